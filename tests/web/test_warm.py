"""A web process readies itself before its first request (dangvien.wsgi._warm)."""

from django.template import engines
from django.urls import clear_url_caches, get_resolver


def test_a_fresh_process_has_its_addresses_and_page_frame_ready_before_a_request():
    from dangvien import wsgi

    clear_url_caches()  # as in a fresh process
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    wsgi._warm()
    assert get_resolver()._populated
    assert {"web/base.html", "web/home.html"} <= {key.split(":")[0] for key in loader.get_template_cache}
