"""Transfers of party activity between cells (giấy giới thiệu sinh hoạt đảng)."""
