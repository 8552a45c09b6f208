public import SondeCore

/// The whole configuration reference (`sonde config reference`, docs/configuration.md): the top-level keys and
/// inputs, then every transform and output of the registry with its own settings.
public enum ReferenceText {
    public static var full: String {
        var s = ConfigurationReference.header
        s += """
            # Transforms applied once to every event, in order, before the events fan out to the outputs. The same
            # kinds go in an output's own `transforms:` list, where they touch only that output's events.
            transforms:

            """
        for t in Registry.transforms { s += indented(t.reference.yaml) }
        s += """

            # Where events go, each with its own queue, filters and transforms. Without this list: standard output,
            # text. Flags: --output URL (repeatable; replaces the list), --format, --write-dnstap, --forward.
            # Every output also takes:
            #   name: <kind>-<index>   its name in metrics, logs and the summary
            #   policy: block          when its queue is full: block (slow the inputs; nothing dropped) | drop
            #                          (drop for this output only, counted)
            #   queue_size: 65536      events waiting to be written, at most
            #   queue_bytes: 64M       octets waiting to be written, at most
            #   transforms: []         its own transforms and filters, as above
            outputs:

            """
        for o in Registry.outputs { s += indented(o.reference.yaml) }
        return s
    }

    /// The component's YAML under its section, two spaces in.
    static func indented(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
