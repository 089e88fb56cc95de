from dangvien.cli.main import main

raise SystemExit(main())
