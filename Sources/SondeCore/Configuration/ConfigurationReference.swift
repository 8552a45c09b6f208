/// The configuration reference printed by `sonde config reference` (kept in step with the README).
public enum ConfigurationReference {
    public static let text = """
        # Sonde configuration reference: every key, with its default.
        # Precedence: flags > SONDE_… environment variables > this file > defaults.

        # The `identity` field of every event.              env SONDE_IDENTITY   flag --identity
        identity: <host name>

        # DNS ports for packet inputs (a list, or "53,5353").  env SONDE_PORTS     flag --port
        ports: [53]

        # Progress bar on standard error, drawn only when it is a terminal.
        progress: true                                     # env SONDE_PROGRESS   flag --no-progress

        # TCP stream reassembly and IP defragmentation.                              flag --no-reassembly
        reassembly: true

        # Match responses to queries: latency, unanswered and unmatched counts.      flag --no-matching
        matching: true

        # Emit queries that never got an answer as events when they expire.         flag --unanswered
        unanswered: false

        # One record per transaction (as Zeek's dns.log): a response carries its query's time and size, a
        # query appears alone only when unanswered, a response without a query says so.  flag --join
        join: false

        summary:
          mode: stderr     # stderr (after the events) | only (instead of the events, on stdout) | off
                           # env SONDE_SUMMARY            flags --summary, --no-summary
          format: text     # text | json                  env SONDE_SUMMARY_FORMAT flag --summary-format
          top: 10          # names in the top list (0-1000)

        # Where events go. Without this list: standard output, text.
        outputs:
          - kind: stdout   # the only output kind in this version
            format: text   # text | json | yaml | csv     env SONDE_FORMAT       flag --format

        """
}

/// The version printed by `sonde --version`.
public enum SondeVersion {
    public static let string = "0.1.0"
}
