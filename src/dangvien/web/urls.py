from django.urls import path

from dangvien.web.views import audit, auth, cases, home, imports, members, orgs, rules

app_name = "web"
urlpatterns = [
    path("dang-nhap/", auth.login_view, name="login"),
    path("dang-xuat/", auth.logout_view, name="logout"),
    path("", home.home, name="home"),
    path("to-chuc/", orgs.org_tree, name="org_tree"),
    path("to-chuc/tim/", orgs.org_search_partial, name="org_search"),
    path("to-chuc/<str:code>/", orgs.org_detail, name="org_detail"),
    path("to-chuc/<str:code>/con/", orgs.org_children_partial, name="org_children"),
    path("to-chuc/<str:code>/them/", orgs.org_add_child, name="org_add_child"),
    path("to-chuc/<str:code>/to-chuc-lai/", orgs.org_reorganize, name="org_reorganize"),
    path("dang-vien/", members.member_list_view, name="member_list"),
    path("dang-vien/them/", members.member_add, name="member_add"),
    path("dang-vien/trung-lap/", members.duplicates, name="member_duplicates"),
    path("dang-vien/xuat/", members.member_export, name="member_export"),
    path("dang-vien/kiem-tra-cccd/", members.check_cccd, name="check_cccd"),
    path("dang-vien/xa-phuong/", members.wards_options, name="wards_options"),
    path("dang-vien/<int:pk>/", members.member_detail, name="member_detail"),
    path("dang-vien/<int:pk>/sua/", members.member_edit, name="member_edit"),
    path("dang-vien/<int:pk>/su-kien/", members.member_event, name="member_event"),
    path("ket-nap/", cases.board, name="board"),
    path("ket-nap/qua-han/", cases.overdue, name="overdue"),
    path("ket-nap/<int:pk>/", cases.case_detail, name="case_detail"),
    path("ket-nap/<int:pk>/<slug:action>/", cases.case_action, name="case_action"),
    path("quan-chung/", cases.candidates, name="candidates"),
    path("quan-chung/<int:pk>/", cases.candidate_detail, name="candidate_detail"),
    path("quan-chung/<int:pk>/mo-ho-so/", cases.case_open, name="case_open"),
    path("lop-hoc/<int:pk>/", cases.class_detail, name="class_detail"),
    path("nhap-du-lieu/", imports.import_start, name="import_start"),
    path("nhap-du-lieu/xac-nhan/", imports.import_confirm, name="import_confirm"),
    path("nhat-ky/", audit.audit_log_view, name="audit_log"),
    path("quy-dinh/", rules.rules_view, name="rules"),
    path("quy-dinh/<int:pk>/huy/", rules.rule_override_revoke, name="rule_override_revoke"),
    path("lich-lam-viec/", rules.calendar_view, name="calendar"),
]
