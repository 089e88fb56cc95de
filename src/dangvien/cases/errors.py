"""The refusals of cases's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "cases",
    {
        "already_introduced": _("{introducer.person.full_name} đã giới thiệu trong hồ sơ này"),
        "already_member": _("{cand.person.full_name} đang là đảng viên"),
        "already_member_now": _("{c.person.full_name} đã là đảng viên"),
        "already_mentor": _("Đảng viên này đang là người giúp đỡ"),
        "already_national_day": _("Ngày này đã là ngày lễ lớn của cả nước"),
        "anniversary_exists": _("{org.name} đã có ngày kỷ niệm {day:02d}/{month:02d}"),
        "anniversary_name_missing": _("Nhập tên ngày kỷ niệm"),
        "application_too_early": _("Ngày làm đơn quá xa trước khi mở hồ sơ"),
        "appraisal_before_resolution": _("Ngày thẩm định không được trước nghị quyết của chi bộ"),
        "background_done": _("Bước lý lịch đã xong: không thêm người thẩm tra được nữa"),
        "cancel_reason_missing": _("Ghi lý do hủy"),
        "cannot_cancel": _("Không hủy được: việc chuyển đã “{v1}”"),
        "cannot_receive": _("Không tiếp nhận được: việc chuyển đang ở tình trạng “{v1}”"),
        "case_already_open": _("{cand.person.full_name} đang có hồ sơ kết nạp"),
        "ceremony_before_decision": _(
            "Lễ kết nạp phải sau khi chi bộ nhận quyết định ({c.decision_received_on:%d/%m/%Y})"
        ),
        "ceremony_late": _(
            "Quá hạn tổ chức lễ kết nạp ({c.due_on:%d/%m/%Y}, {rule.value} ngày làm việc từ khi nhận quyết định — {rule.cite}): cần ý kiến đồng ý của cấp ủy cấp trên trực tiếp, ghi số văn bản"
        ),
        "check_failed": _("{check.message} ({check.cite})"),
        "close_outcome_missing": _("Chọn kết quả: không kết nạp hoặc rút hồ sơ"),
        "closed": _("Hồ sơ đã đóng ({v1})"),
        "closed_before_opened": _("Ngày đóng hồ sơ trước ngày mở hồ sơ"),
        "closed_no_more": _("Hồ sơ đã đóng ({v1}): không ghi thêm được"),
        "conditions_after_vote": _("Chi bộ đã biểu quyết: không sửa điều kiện của hồ sơ được nữa"),
        "conviction_cleared_missing": _("Ghi ngày được xóa án tích"),
        "decided_too_early": _("Ngày quyết định không được trước {since:%d/%m/%Y}"),
        "decision_number_missing": _("Ghi số quyết định"),
        "decision_ref_missing": _("Ghi số quyết định kết nạp"),
        "denominator_differs": _(
            "Tổng số được tính ({denominator}) khác số theo danh sách đảng viên ({proposal}): ghi lý do điều chỉnh"
        ),
        "denominator_zero": _("Tổng số được tính phải lớn hơn 0"),
        "destination_dissolved": _("“{org.name}” đã giải thể hoặc hợp nhất"),
        "destination_missing": _("Chọn chi bộ nơi đến, hoặc ghi nơi đến ngoài hệ thống"),
        "destination_not_cell": _("“{org.name}” không phải chi bộ: chuyển đến một chi bộ"),
        "destination_same_cell": _("Nơi đến trùng với chi bộ hiện tại"),
        "exclusion_invalid": _("Lý do không tính vào tổng số không hợp lệ"),
        "exempt_members_on_day": _(
            "Ngày {held_on:%d/%m/%Y} chi bộ có {exempt} đảng viên miễn/tạm miễn sinh hoạt"
        ),
        "extension_before_resolution": _(
            "Chỉ gia hạn thời gian ra quyết định kết nạp sau khi chi bộ có nghị quyết"
        ),
        "extension_reason_missing": _("Ghi lý do gia hạn"),
        "extension_too_long": _(
            "Chỉ gia hạn tối đa {limit.value} ngày làm việc ({limit.cite}); đã gia hạn {c.extension_days}"
        ),
        "extension_zero": _("Số ngày gia hạn phải lớn hơn 0"),
        "introducer_missing": _("Chọn đảng viên giới thiệu"),
        "introduction_ends_before_given": _("Ngày thôi giới thiệu trước ngày giới thiệu"),
        "introduction_kind_missing": _("Chọn hình thức giới thiệu"),
        "introduction_kind_wrong": _("Hồ sơ theo hình thức “{v1}”: không nhận {v2}"),
        "introduction_resolution_missing": _("Ghi số nghị quyết giới thiệu"),
        "introductions_done": _("Bước giới thiệu đã xong: chỉ thêm được người giới thiệu thay thế"),
        "letter_already_recorded": _("Giấy giới thiệu đã được ghi ({v1}). Hãy tải lại trang."),
        "letter_before_move": _("Ngày cấp giấy không được trước ngày chuyển ({t.moved_on:%d/%m/%Y})"),
        "letter_number_missing": _("Ghi số giấy giới thiệu"),
        "listed_date_missing": _("Chưa ghi ngày chi bộ đưa vào danh sách cảm tình Đảng"),
        "meeting_before_last_vote": _("Ngày họp trước lần biểu quyết trước ({last:%d/%m/%Y})"),
        "meeting_before_resolution": _("Ngày họp không được trước nghị quyết của chi bộ"),
        "mentor_before_ceremony": _("Ngày phân công không được trước lễ kết nạp ({r.ceremony_on:%d/%m/%Y})"),
        "mentor_before_previous": _(
            "Ngày phân công phải sau lần phân công trước ({current.valid_from:%d/%m/%Y})"
        ),
        "mentor_missing": _("Chưa phân công đảng viên chính thức giúp đỡ"),
        "mentor_not_official": _("Người giúp đỡ phải là đảng viên chính thức của chi bộ"),
        "months_together_missing": _("Ghi số tháng cùng công tác, học tập hoặc sinh hoạt"),
        "no_longer_probationary": _("{r.membership.person.full_name} không còn là đảng viên dự bị"),
        "no_such_day": _("Ngày {day}/{month} không có trong năm: chọn một ngày khác"),
        "no_such_destination": _("Không có tổ chức đảng mã “{v1}”: kiểm tra lại mã nơi đến"),
        "no_such_introducer": _("Không có người giới thiệu này trong hồ sơ"),
        "no_such_step": _("Hồ sơ này không có bước “{v1}”"),
        "no_such_verification": _("Không có người thẩm tra này trong hồ sơ"),
        "not_listed_any_more": _("{cand.person.full_name} không còn trong danh sách quần chúng ưu tú"),
        "not_probationary": _("{m.person.full_name} không phải đảng viên dự bị"),
        "not_suspended": _("Hồ sơ không ở trạng thái tạm dừng"),
        "official_by_recognition": _(
            "Đảng viên này có hồ sơ công nhận chính thức: ghi quyết định công nhận trong hồ sơ đó"
        ),
        "open_transfer": _(
            "Đảng viên đang có giấy chuyển sinh hoạt chưa hoàn thành: tiếp nhận hoặc hủy việc chuyển đó trước"
        ),
        "outcome_missing": _("Chọn công nhận chính thức hoặc xóa tên"),
        "outside_no_receiver": _("Chuyển ra ngoài hệ thống: không có bên nhận để ghi"),
        "paper_before_ceremony": _("{label}: ngày không được trước lễ kết nạp"),
        "permanent_has_no_end": _("Chuyển chính thức không có ngày hết hạn"),
        "present_over_called": _("Số có mặt nhiều hơn số được triệu tập"),
        "prior_exit_invalid": _("Lý do ra khỏi Đảng không hợp lệ"),
        "reason_missing": _("Ghi lý do"),
        "received_before_decided": _("Ngày nhận quyết định không được trước ngày quyết định"),
        "received_before_letter": _("Ngày tiếp nhận không được trước ngày cấp giấy ({t.letter_on:%d/%m/%Y})"),
        "receiver_dissolved": _(
            "“{t.to_cell.name}” đã giải thể hoặc hợp nhất: bên chuyển cần hủy và làm lại"
        ),
        "recognition_ended": _("Hồ sơ đã kết thúc ({v1}): không ghi thêm được"),
        "recognition_ended_no_mentor": _("Hồ sơ đã kết thúc: không phân công người giúp đỡ được nữa"),
        "recognition_ended_plain": _("Hồ sơ đã kết thúc: không ghi thêm được"),
        "recognition_votes_over_counted": _(
            "Số phiếu công nhận + xóa tên ({v1}) nhiều hơn tổng số được tính ({denominator})"
        ),
        "relation_missing": _("Chọn quan hệ với người vào Đảng"),
        "replacement_without_leaver": _(
            "Giới thiệu thay thế chỉ khi một người giới thiệu trước đã thôi (chuyển đi, bị kỷ luật...)"
        ),
        "resumed_before_suspended": _("Ngày tiếp tục trước ngày tạm dừng ({s.since:%d/%m/%Y})"),
        "return_not_temporary": _("Chỉ ghi trở về cho đảng viên đang sinh hoạt tạm thời ở nơi khác"),
        "return_too_early": _("Ngày trở về không được trước {start:%d/%m/%Y}"),
        "review_before_probation_end": _(
            "Chi bộ chỉ xét sau khi hết thời gian dự bị ({r.ends_on:%d/%m/%Y}): nghị quyết phải đề ngày sau ngày đó"
        ),
        "route_invalid": _("Hình thức giới thiệu không hợp lệ"),
        "self_introduction": _("Người vào Đảng không tự giới thiệu mình được"),
        "step_already_done": _("Bước “{v1}” đã được ghi ngày {done.done_on:%d/%m/%Y}. Hãy tải lại trang."),
        "step_has_own_form": _("Bước “{v1}” được ghi bằng mẫu riêng của nó"),
        "step_not_yet": _("Chưa đến bước “{v1}”: bước tiếp theo là “{v2}”"),
        "step_out_of_order": _(
            "Ngày {on:%d/%m/%Y} trước bước đã làm gần nhất ({last:%d/%m/%Y}): các bước phải theo thứ tự"
        ),
        "suspended": _("Hồ sơ đang tạm dừng: bấm “Tiếp tục hồ sơ” trước khi ghi bước mới"),
        "suspended_before_step": _(
            "Ngày tạm dừng trước ngày bắt đầu bước hiện tại ({c.step_since:%d/%m/%Y})"
        ),
        "suspension_reason_missing": _("Ghi lý do tạm dừng"),
        "temporary_end_missing": _("Ghi ngày hết sinh hoạt tạm thời (sau ngày chuyển)"),
        "temporary_too_long": _("Sinh hoạt tạm thời không quá 2 năm"),
        "transfer_already_open": _("{m.person.full_name} đang có một việc chuyển sinh hoạt chưa xong"),
        "transfer_before_last_event": _(
            "Ngày {moved_on:%d/%m/%Y} trước sự kiện gần nhất của đảng viên ({last:%d/%m/%Y})"
        ),
        "transfer_kind_missing": _("Chọn chuyển chính thức hoặc tạm thời"),
        "transfer_member_gone": _("Không thể chuyển sinh hoạt: {m.person.full_name} đã {v1}"),
        "transfer_reason_missing": _("Ghi lý do chuyển sinh hoạt (nơi công tác, cư trú, học tập mới)"),
        "verification_result_missing": _("Chọn kết quả thẩm tra"),
        "verified_name_missing": _("Ghi họ và tên người cần thẩm tra"),
        "votes_negative": _("Số phiếu không được âm"),
        "votes_over_counted": _(
            "Tán thành + không tán thành ({v1}) nhiều hơn tổng số được tính ({denominator})"
        ),
        "votes_over_present": _("Tán thành + không tán thành ({v1}) nhiều hơn số có mặt ({present})"),
        "introducer_not_official": _(
            "{m.person.full_name} không phải đảng viên chính thức ngày {on:%d/%m/%Y}: "
            "người giới thiệu phải là đảng viên chính thức"
        ),
        "introducer_not_active": _(
            "{m.person.full_name} không phải đảng viên chính thức đang sinh hoạt ngày {on:%d/%m/%Y} "
            "({status}): người giới thiệu phải là đảng viên chính thức"
        ),
        "introducer_relative": _("{m.person.full_name} là người thân của người vào Đảng: {cite}"),
        "introducer_months": _(
            "{m.person.full_name} mới cùng công tác/sinh hoạt {have} tháng, cần ít nhất {need} tháng ({cite})"
        ),
        "youth_union_over_age": _(
            "Ngày {on:%d/%m/%Y} {person.full_name} đã quá {limit} tuổi, không còn là đoàn viên ({cite}): "
            "cần hai đảng viên chính thức giới thiệu"
        ),
        "committee_only": _(
            "Bước này do cán bộ của cấp ủy (đảng ủy cơ sở hoặc cấp trên) ghi, bí thư chi bộ không ghi được. "
            "Hãy chuyển hồ sơ lên cấp ủy."
        ),
        "papers_not_of_step": _("Giấy tờ không thuộc bước này: {papers}"),
        "review_papers_missing": _(
            "Chưa đủ hồ sơ để chi bộ xét: thiếu {missing}. Ghi các giấy tờ này trước."
        ),
        "not_ready_for_vote": _("Hồ sơ chưa đủ điều kiện để chi bộ xét: {failed}"),
    },
)
