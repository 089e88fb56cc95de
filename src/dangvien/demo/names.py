"""Vietnamese names with the real frequency of family names (weights in per cent, from
published surveys of the population: Nguyễn ≈ 38, Trần ≈ 11, Lê ≈ 9.5 ...)."""

FAMILY = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0), ("Huỳnh", 2.1),
    ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6), ("Trịnh", 0.5), ("Đào", 0.4),
    ("Mai", 0.4), ("Cao", 0.4), ("Lương", 0.3), ("Lâm", 0.3), ("Tạ", 0.2), ("Hà", 0.4), ("Quách", 0.1),
    ("Vương", 0.2), ("Tô", 0.2), ("Thái", 0.2), ("Kiều", 0.1), ("Lò", 0.1), ("Hầu", 0.1),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Thanh", "Ngọc", "Trọng",
               "Đình", "Anh", "Tiến", "Mạnh", "Quốc", "Hoàng", "Bá", "Duy"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Mai", "Bích",
                 "Phương", "Hải", "Khánh", "Diệu", "Thùy", "Hoài"]
GIVEN_MALE = ["An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu",
              "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Lực", "Minh", "Nam", "Nghĩa",
              "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung",
              "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Ánh", "Ân", "Định", "Ước"]
GIVEN_FEMALE = ["An", "Anh", "Ánh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
                "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung",
                "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
                "Ước", "Ân", "Đào"]
ETHNICITY = [("Kinh", 85.3), ("Tày", 1.9), ("Thái", 1.9), ("Mường", 1.5), ("Khmer", 1.4), ("Hoa", 0.8),
             ("Nùng", 1.1), ("Mông", 1.5), ("Dao", 0.9), ("Ê Đê", 0.4)]
RELIGION = [("Không", 86.0), ("Phật giáo", 8.0), ("Công giáo", 4.0), ("Cao Đài", 1.0), ("Tin Lành", 0.5),
            ("Phật giáo Hòa Hảo", 0.5)]
EDUCATION = [("12/12", 70.0), ("9/12", 12.0), ("Đại học", 0.0)]
PROFESSION = ["Cán bộ, công chức", "Viên chức", "Giáo viên", "Nông dân", "Công nhân", "Hưu trí",
              "Kinh doanh", "Bác sĩ", "Công an", "Quân nhân", "Lao động tự do", "Sinh viên"]
