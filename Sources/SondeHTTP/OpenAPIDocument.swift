/// The API's OpenAPI document, served at `/openapi.yaml` (schemathesis checks the routes against it in the tests).
enum OpenAPIDocument {
    static let text = """
        openapi: 3.0.3
        info:
          title: Sonde API
          version: "1"
          description: >-
            Live statistics of the DNS traffic Sonde sees, its outputs, and its health. Every route but /health and
            /ready needs an API key (X-API-Key) or HTTP Basic credentials; without them the answer is 401.
        security:
          - apiKey: []
          - basic: []
        paths:
          /health:
            get:
              summary: Whether Sonde runs (open to everyone).
              security: []
              responses:
                "200":
                  description: Sonde runs.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status]
                        properties:
                          status: {type: string, enum: [ok]}
          /ready:
            get:
              summary: Whether every input listens or captures (open to everyone).
              security: []
              responses:
                "200":
                  description: Ready.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Ready"}
                "503":
                  description: Not yet ready.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Ready"}
          /metrics:
            get:
              summary: Prometheus exposition (text format 0.0.4).
              responses:
                "200":
                  description: The metrics.
                  content:
                    text/plain:
                      schema: {type: string}
                "401": {$ref: "#/components/responses/Unauthorized"}
          /openapi.yaml:
            get:
              summary: This document.
              responses:
                "200":
                  description: The document.
                  content:
                    application/yaml:
                      schema: {type: string}
                "401": {$ref: "#/components/responses/Unauthorized"}
          /:
            get:
              summary: The live dashboard (a page without data, open to everyone; it reads the API with the key it is given).
              security: []
              responses:
                "200":
                  description: The dashboard page.
                  content:
                    text/html:
                      schema: {type: string}
          /api/v1/counters:
            get:
              summary: Counters, rates, distinct clients and domains, latency buckets and percentiles.
              parameters:
                - $ref: "#/components/parameters/stream"
                - $ref: "#/components/parameters/window"
              responses:
                "200":
                  description: The counters.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Counters"}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "404": {$ref: "#/components/responses/NotFound"}
          /api/v1/tables:
            get:
              summary: Top-N tables (Space-Saving; each count may exceed the truth by at most its error).
              parameters:
                - $ref: "#/components/parameters/stream"
                - $ref: "#/components/parameters/window"
                - name: n
                  in: query
                  description: Entries per table (1 to the table's capacity, 1024 by default).
                  schema: {type: integer, minimum: 1, maximum: 1024, default: 10}
                - name: table
                  in: query
                  description: Only this table.
                  schema:
                    type: string
                    enum: [domains, nxdomain, servfail, refused, tlds, registered_domains, clients, clients_by_bytes, slowest, qtypes, rcodes]
              responses:
                "200":
                  description: The tables.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Tables"}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "404": {$ref: "#/components/responses/NotFound"}
          /api/v1/streams:
            get:
              summary: The streams counted apart (dnstap identities, capture points).
              responses:
                "200":
                  description: The streams.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [streams, max_streams]
                        properties:
                          max_streams: {type: integer}
                          streams:
                            type: array
                            items:
                              type: object
                              required: [name, messages, queries, responses]
                              properties:
                                name: {type: string}
                                messages: {type: integer}
                                queries: {type: integer}
                                responses: {type: integer}
                                last_event: {type: string, nullable: true}
                "401": {$ref: "#/components/responses/Unauthorized"}
          /api/v1/outputs:
            get:
              summary: Every output's accounting (in = written + filtered + dropped + failed + pending).
              responses:
                "200":
                  description: The outputs.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [outputs]
                        properties:
                          outputs:
                            type: array
                            items:
                              type: object
                              required: [name, kind, state]
                              properties:
                                name: {type: string}
                                kind: {type: string}
                                state: {type: string, enum: [running, gone]}
                              additionalProperties: {}
                "401": {$ref: "#/components/responses/Unauthorized"}
          /api/v1/events:
            get:
              summary: The live event tail, as server-sent events.
              description: >-
                Every event after the global transforms (what outputs see before their own filters) that passes
                `filter`, as `data: <the event's JSON line>`. Events a slow reader could not take are dropped for it
                alone and reported as `event: dropped` with `{"dropped": N}`; the stream ends with `event: end`
                (`{"reason": "limit|timeout|shutdown", "events": N, "dropped": N}`) after `limit` events or `timeout`
                seconds, or when Sonde stops; without them it lasts until the client goes away (a comment every 10 s
                keeps it open). At most 8 tails at once.
              parameters:
                - name: filter
                  in: query
                  description: A filter expression, as the filter transform's `where` (docs/transforms.md); all events when absent.
                  schema: {type: string}
                - name: limit
                  in: query
                  description: End the stream after this many events.
                  schema: {type: integer, minimum: 1, maximum: 1000000}
                - name: timeout
                  in: query
                  description: End the stream after this many seconds.
                  schema: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 86400}
              responses:
                "200":
                  description: The stream of events (the schema describes one server-sent event, as before Open API 3.2).
                  content:
                    text/event-stream:
                      schema:
                        type: object
                        required: [event, data]
                        properties:
                          event:
                            type: string
                            enum: [message, dropped, end]
                            description: message (an event, its data the JSON line), dropped ({"dropped":N}) or end.
                          data: {type: string}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "404": {$ref: "#/components/responses/NotFound"}
                "503":
                  description: Too many tails open already.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Error"}
          /api/v1/reset:
            delete:
              summary: Starts the statistics again, for all traffic or one stream (Prometheus counters keep growing).
              parameters:
                - $ref: "#/components/parameters/stream"
              responses:
                "200":
                  description: Reset.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [reset]
                        properties:
                          reset: {type: string}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "404": {$ref: "#/components/responses/NotFound"}
        components:
          securitySchemes:
            apiKey: {type: apiKey, in: header, name: X-API-Key}
            basic: {type: http, scheme: basic}
          parameters:
            stream:
              name: stream
              in: query
              description: One stream (see /api/v1/streams); all traffic when absent.
              schema: {type: string}
            window:
              name: window
              in: query
              description: total (since start or reset), current (the interval under way), last or last:N (the last N complete intervals; at most stats.intervals_kept are kept).
              schema: {type: string, pattern: "^(total|current|last|last:[1-9][0-9]{0,3})$", default: total}
          responses:
            Unauthorized:
              description: No valid credentials.
              content:
                text/plain:
                  schema: {type: string}
            BadRequest:
              description: A parameter is not valid.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
            NotFound:
              description: No such stream (or no event tail on this listener).
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error: {type: string}
            Ready:
              type: object
              required: [status]
              properties:
                status: {type: string, enum: [ready, starting]}
                detail: {type: string}
            CountMap:
              type: object
              additionalProperties: {type: integer}
            Counters:
              type: object
              required: [window, messages, queries, responses, clients, domains, family, protocol, rcode, qtype, opcode, flags, latency]
              properties:
                stream: {type: string, nullable: true}
                window: {type: string}
                since: {type: string, nullable: true}
                last_event: {type: string, nullable: true}
                messages: {type: integer}
                queries: {type: integer}
                responses: {type: integer}
                queries_per_second: {type: number}
                responses_per_second: {type: number}
                peak_queries_per_second: {type: number}
                peak_responses_per_second: {type: number}
                clients: {type: integer, description: HyperLogLog estimate (standard error 0.81%)}
                domains: {type: integer, description: HyperLogLog estimate (standard error 0.81%)}
                malformed: {type: integer}
                without_message: {type: integer}
                unanswered: {type: integer}
                unmatched: {type: integer}
                truncated_responses: {type: integer}
                bytes_in: {type: integer}
                bytes_out: {type: integer}
                family: {$ref: "#/components/schemas/CountMap"}
                protocol: {$ref: "#/components/schemas/CountMap"}
                rcode: {$ref: "#/components/schemas/CountMap"}
                qtype: {$ref: "#/components/schemas/CountMap"}
                opcode: {$ref: "#/components/schemas/CountMap"}
                flags: {$ref: "#/components/schemas/CountMap"}
                dnstap_types: {$ref: "#/components/schemas/CountMap"}
                latency:
                  type: object
                  required: [buckets, answered]
                  properties:
                    buckets: {$ref: "#/components/schemas/CountMap"}
                    answered: {type: integer}
                    p50_ms: {type: number}
                    p90_ms: {type: number}
                    p99_ms: {type: number}
                    p999_ms: {type: number}
                    max_ms: {type: number}
                    mean_ms: {type: number}
            Entry:
              type: object
              required: [key, count, error]
              properties:
                key: {type: string}
                count: {type: integer}
                error: {type: integer, description: How much count may exceed the truth.}
            Tables:
              type: object
              required: [window, n, tables]
              properties:
                stream: {type: string, nullable: true}
                window: {type: string}
                n: {type: integer}
                tables:
                  type: object
                  additionalProperties:
                    type: array
                    items: {$ref: "#/components/schemas/Entry"}

        """
}
