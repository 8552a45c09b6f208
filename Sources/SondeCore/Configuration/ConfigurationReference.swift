/// The top of the configuration reference printed by `sonde config reference` and kept in docs/configuration.md:
/// the top-level keys and the inputs. The transforms and outputs sections are made from each component's own
/// ``ComponentReference`` by the application, so a component documents its keys where it reads them.
public enum ConfigurationReference {
    public static let header = """
        # Sonde configuration reference: every key, with its default.
        # Precedence: flags > SONDE_… environment variables > this file > defaults.

        # The `identity` field of every event.              env SONDE_IDENTITY   flag --identity
        identity: <host name>

        # DNS ports for packet inputs (a list, or "53,5353").  env SONDE_PORTS     flag --port
        ports: [53]

        # Progress bar on standard error, drawn only when it is a terminal.
        progress: true                                     # env SONDE_PROGRESS   flag --no-progress

        # `sonde run`: seconds between two lines of counters on standard error (events; queries and their rate,
        # responses, clients, domains, per family and protocol over the interval; connections, refusals, protocol
        # errors, idle timeouts; each output's accounting); 0 for none.              flag --stats-interval
        stats_interval: 60

        # Log lines on standard error: their level and format (json for journald, Loki and the like). Repeated
        # messages are rate-limited (10 per key per 10 s, then a count of those held back).
        log_level: info    # debug | info | notice | warning | error   env SONDE_LOG_LEVEL  flag --log-level
        log_format: text   # text | json                              env SONDE_LOG_FORMAT flag --log-format

        # `sonde run`: serve Prometheus metrics (every counter of the summary and the periodic line) on
        # http://host:port/metrics; none by default.                             flag --metrics-listen
        metrics_listen: <none>         # e.g. 127.0.0.1:9153

        # `sonde run`: one HTTP listener for the REST API (/api/v1/…), /metrics, /health, /ready, /openapi.yaml and
        # the live dashboard (/). Every route but /health and /ready needs X-API-Key or HTTP Basic credentials;
        # Sonde refuses to start without them, or with a well-known one (changeme, admin, …), unless demo is true.
        # Credentials never come from flags (`ps` shows flags).                     flag --api host:port
        api:
          listen: <none>             # e.g. 127.0.0.1:8080
          api_key: <none>            # a key or a list of keys           env SONDE_API_KEY (replaces them)
          api_key_file: <none>       # a file holding a key (its trailing newline aside)
          user: <none>               # HTTP Basic
          password: <none>           #                                   env SONDE_API_PASSWORD
          password_file: <none>
          demo: false                # serve without credentials
          tls_certificate: <none>    # HTTPS: the certificate chain (PEM), with tls_key; plain HTTP without them
          tls_key: <none>            # its private key (PEM)
          tls_ca: <none>             # a CA (PEM): clients must present a certificate it signed

        # `sonde run`: the live statistics (always kept; the API, /metrics and the dashboard show them). Memory
        # is fixed by these sizes whatever the traffic (docs/statistics.md).
        stats:
          enabled: true              # false only to measure what they cost (the API then shows nothing)
          detail: <auto>             # every table, interval and stream; by default only with --api, --metrics-listen
                                     # or --statsd (they cost several times the JSON path today), otherwise
                                     # what the summary shows: counters, estimates, latency, top names
          top: 1024                  # entries of each top table over all traffic (16-65536)
          stream_top: 128            # entries of each top table per stream
          max_streams: 64            # streams (dnstap identities, capture points) counted apart; later ones only in the totals
          interval: 60               # seconds per interval (window=current, last)
          intervals_kept: 5          # complete intervals kept (window=last:N)
          log_file: <none>           # the stats_interval line also to this file, with its time    flag --stats-file
          log_max_size: <none>       # rotate before the file would pass this size (512K, 100M), as the file output
          log_keep: 0                # rotated files kept, the newest (0: all)
          log_window: cumulative     # cumulative (counts since start) | interval (counts of the last interval)

        # `sonde run`: push the statistics to a statsd server over UDP (counters as their growth, |c; rates,
        # estimates and percentiles as gauges, |g), as dnsmonster does.                    flag --statsd host:port
        statsd:
          address: <none>            # e.g. 127.0.0.1:8125
          prefix: sonde              # sonde.queries, sonde.rcode.NXDOMAIN, sonde.latency_us.p99, ...
          interval: 10               # seconds between two pushes

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

        # Inputs of `sonde run` (flags: --dnstap URL listens, --dnstap-connect URL dials, --interface NAME captures;
        # all repeatable; flags replace the inputs of the file).
        inputs:
          - kind: dnstap
            listen: tcp://0.0.0.0:6000      # or tls://host:port, unix:///run/sonde/dnstap.sock;
                                            # or `connect: URL` to dial a sender that listens (retried with back-off)
            unix_mode: "0660"               # permissions of a unix socket Sonde creates
            max_connections: 1024           # at the limit the oldest connection that has not started a session is
                                            # closed to make room; if all are working sessions, new ones are refused
                                            #                               flag --max-connections
            max_frame_size: 1048576         # longer data frames are skipped and counted (64 - 67108864)
                                            #                               flag --max-frame-size
            idle_timeout: 300               # seconds without a byte before a connection is closed; 0 never
                                            #                               flag --idle-timeout
            allow: []                       # client networks allowed (CIDR); empty allows all   flag --allow
            tls_certificate: <none>         # tls:// listener: certificate chain and key (PEM)  flags --tls-cert, --tls-key
            tls_key: <none>
            tls_ca: <none>                  # listener: require client certificates signed by this CA; dialling:
                                            # check the server against it (default: the system's trust store)
            tls_verify: true                # dialling: check the server's certificate    flag --tls-ca
          - kind: capture                   # live capture (Linux AF_PACKET ring)      flag --interface (repeatable)
            interface: eth0                 # any: every interface, each event says its own
            filter: <DNS ports and fragments> # tcpdump expression, compiled by libpcap   flag --filter
            promiscuous: true               #                               flag --no-promiscuous
            fanout: 1                       # threads sharing the interface by flow     flag --fanout
            block_size: 1048576             # ring block, a power of two   flag --ring-block-size
            block_count: 32                 # ring blocks                  flag --ring-blocks
            block_timeout: 100              # ms before a partly filled block is handed over  flag --ring-timeout
            sample: <all>                   # "a:b": keep a of every b packets            flag --sample
            dedup_window: 0                 # ms; drop copies of a packet seen within it (0: off)  flag --dedup

        """
}

/// The version printed by `sonde --version`.
/// What a component says about its settings in the configuration reference.
public struct ComponentReference: Sendable {
    /// The YAML of the component with every key, its default and a comment, as one list item starting with
    /// `- kind: <kind>` (indented by the reference, not here).
    public var yaml: String

    public init(_ yaml: String) { self.yaml = yaml }
}

public enum SondeVersion {
    public static let string = "0.1.0"
}
