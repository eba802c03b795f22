"""The shared kernel: database base, money, text, language, errors, auth, jobs and mail."""
