"""Long work in the background (issue 22): imports, papers, large exports and the daily
tick run as jobs on Django's task framework (django-tasks with its database backend), in
`dangvien worker`, never in a web request. A job is what the user sees (its title, status,
progress and result); the task row is the framework's own."""
