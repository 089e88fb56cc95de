from django.urls import path

from dangvien.api.views import api

urlpatterns = [path("", api.urls)]
