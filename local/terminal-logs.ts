// Imported first by `npm start` and the `rounds` command: the functions' structured INFO logs are for
// CloudWatch, so a person's terminal shows only warnings and errors unless POWERTOOLS_LOG_LEVEL asks for more.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
