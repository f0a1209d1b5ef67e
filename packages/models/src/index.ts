// @agent/models — no code yet: see README.md. This package exports nothing until its issue lands.
export {}
