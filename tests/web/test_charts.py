"""Every chart carries its numbers as a table (issue 23: for screen readers, for copying)."""

import datetime as dt

from dangvien.web import charts


def test_every_kind_of_chart_has_its_table_of_numbers_escaped():
    drawn = [
        charts.bar_chart([charts.Bar("Chi bộ <Thôn 1>", 3, 4)], title="Kết nạp"),
        charts.funnel_chart([("Quần chúng", 1200), ("Kết nạp", 12)], title="Nguồn"),
        charts.share_bar([("Tốt", 3), ("Hoàn thành", 1)], title="Xếp loại"),
        charts.line_chart(
            [(dt.date(2026, 1, 5), 1), (dt.date(2026, 1, 20), 2), (dt.date(2026, 2, 3), 3)],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            target=10,
            title="Năm 2026",
        ),
    ]
    for svg in drawn:
        assert '<details class="chart-table"><summary>Bảng số liệu' in svg and "<table>" in svg
    assert "Chi bộ &lt;Thôn 1&gt;" in drawn[0] and "3 / 4" in drawn[0]
    assert "1.200" in drawn[1]
    assert "75,00%" in drawn[2]
    assert 'Đến hết tháng 01/2026</th><td class="num">2' in drawn[3] and "Chỉ tiêu" in drawn[3]
