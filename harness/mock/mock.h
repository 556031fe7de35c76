/* mock.h - the embedded mock server: every operation of a contract (cf_api) served as a live
 * HTTP endpoint (libmicrohttpd). */
#ifndef CF_MOCK_H
#define CF_MOCK_H

#include <stddef.h>
#include <stdint.h>

#include "http/headers.h"
#include "base/rc.h"
#include "base/secrets.h"
#include "contract/api.h"
#include "contract/spec.h"
#include "contract/template.h"

/* What the mock does with a request, in this order:
 *   1. route (cf_api_route): a path no operation has is a 404 JSON answer, a method the
 *      path's operations lack a 405 (with Allow);
 *   2. parameters are read (path template values, query, header parameters);
 *   3. credentials: each credential of one of the operation's security alternatives must be
 *      present (once, with its prefix) and be the value of one of its caller variables (the
 *      caller), or, when it has no valued callers and the operation consumes a resource at
 *      the same header or query parameter, a live resource (the caller is its owner);
 *      otherwise any value is accepted -> the auth role;
 *   4. fault throttle (per caller) -> the throttle role;
 *   5. validation: body within CF_MAX_REQUEST_BODY, a content-type of the operation's bodies,
 *      JSON (depth CF_MAX_JSON_DEPTH), an object when the schema says so, the body schema,
 *      then every parameter (required, schema) -> the validation role;
 *   6. fault error-rate -> its code or role;
 *   7. one step under a lock: idempotency by the operation's rule (token in body, header or
 *      query; scope caller or global): replay of the first answer (errors too when
 *      replays_errors), or the mismatch role; the consumed resources (known to the caller,
 *      in the state asked: else not-found / auth / conflict / validation); a listed page;
 *      fault quota for operations that produce something; then the new result. Concurrent
 *      duplicates therefore all get the first one's answer (in_flight is never needed).
 *   After the answer is made, the resources it produces and the item it appends are recorded.
 * Bodies past CF_MAX_REQUEST_BODY are read and dropped, then answered with the validation
 * error; one announced with "Expect: 100-continue" is refused before it is sent. Requests
 * libmicrohttpd itself refuses (malformed HTTP, header lines past the per-connection memory
 * limit) get its own short 4xx answer, not a JSON one.
 * Answers come from the contract's mock templates, else examples, else values synthesised from
 * the schemas; errors from its error template, else its envelope. A bad request never gets a
 * 5xx, and no message repeats a credential or any secret variable. README "The mock" has the
 * whole story. */

/* Fault injection; zero-initialised means none. Several --fault texts fill one struct. */
typedef struct {
    long latency_ms;       /* > 0: each answer waits this long before it is sent */
    double error_rate;     /* 0..1: chance that a valid request is answered with error_code */
    char error_code[128];  /* catalogue code or role name; "" = the internal role's code */
    double throttle_per_s; /* > 0: per-caller token bucket, this rate, burst max(1, rate) */
    int quota_set;         /* 1: the quota below applies */
    unsigned long quota;   /* new resources per caller before the quota role's code (successes
                            * of operations that produce one; of every operation when none
                            * does) */
} cf_mock_faults;

/* Parses one fault, "NAME=VALUE": latency=MS, error-rate=P[:CODE], throttle=N/s, quota=N,
 * into `faults` (other fields untouched). Fails with CF_E_USAGE and a message naming the
 * problem and the accepted form; `faults` is then unchanged. */
CF_WUR cf_rc cf_mock_fault_parse(const char *text, cf_mock_faults *faults, char *err,
                                 size_t errlen);

#define CF_MOCK_DEFAULT_CONNECTIONS 16384u /* open at once; the process's fd limit also applies */
#define CF_MOCK_DEFAULT_PER_IP 4096u       /* open at once from one client address */
#define CF_MOCK_DEFAULT_TIMEOUT_S 30u
#define CF_MOCK_DEFAULT_IDEM_CAPACITY 100000u

typedef struct {
    const cf_api *api;         /* the contract served, borrowed: must outlive the mock */
    const cf_spec *spec;       /* a v1 spec instead (api NULL): served through its cf_api
                                  (cf_api_from_spec); borrowed, must outlive the mock */
    const cf_secrets *secrets; /* resolved variables (cf_vars_resolve); copied at start */
    const char *bind;          /* address or host name to listen on; NULL = "127.0.0.1" */
    unsigned port;             /* 0 = any free port (see cf_mock_port) */
    cf_mock_faults faults;
    uint64_t seed;               /* seed of the error-rate draws when seed_set */
    int seed_set;                /* 0: seeded from the random source */
    unsigned max_connections;    /* 0 = CF_MOCK_DEFAULT_CONNECTIONS */
    unsigned per_ip_connections; /* 0 = CF_MOCK_DEFAULT_PER_IP; past it a client's new
                                    connections are closed at once, others still served */
    unsigned threads;            /* serving threads (epoll each); 0 = one per core */
    unsigned timeout_s;          /* a connection idle or sending its request this long is closed;
                                    0 = default */
    size_t idem_capacity;        /* tokens remembered at most (oldest evicted); 0 = default */
    int no_listen;               /* 1: open no socket; only cf_mock_handle() answers (fuzzing) */
} cf_mock_opts;

/* Zeroes and sets the defaults. Cannot fail. */
void cf_mock_opts_init(cf_mock_opts *o);

typedef struct cf_mock cf_mock;

/* Counters since start; read with cf_mock_stats_get(). */
typedef struct {
    unsigned long requests;  /* answers sent by the mock itself (not libmicrohttpd's own) */
    unsigned long successes; /* of which success answers */
    unsigned long created;   /* new resources (replays not counted) */
} cf_mock_stats;

/* Starts listening and serving on a pool of threads (epoll; idle connections cost no
 * thread; latency-fault answers wait with their connection suspended). Variables come from
 * opts->secrets, else the contract's defaults; a caller variable without a value accepts no
 * credential (one whose callers all lack values accepts any).
 * Errors: CF_E_USAGE for options that do not fit the contract (a fault code that is neither in
 * the catalogue nor a role, a bad bind address), CF_E_INVALID for a mock template that cannot
 * be expanded (or a v1 spec that does not convert), CF_E_IO when the address cannot
 * be listened on, CF_E_NOMEM. `err` says which; *out is NULL on failure.
 * Memory: cf_mock_stop() stops and frees the mock. */
CF_WUR cf_rc cf_mock_start(const cf_mock_opts *opts, cf_mock **out, char *err, size_t errlen);

/* The port actually listened on (0 with no_listen). */
unsigned cf_mock_port(const cf_mock *m);
/* "http://ADDR:PORT" (IPv6 in brackets; "" with no_listen), borrowed until cf_mock_stop(). */
const char *cf_mock_url(const cf_mock *m);
void cf_mock_stats_get(cf_mock *m, cf_mock_stats *out);

/* An answer as data. Memory: owns everything; cf_mock_answer_cleanup() accepts NULL and
 * leaves it zeroed. */
typedef struct {
    int status;
    cf_headers headers; /* the response headers, Content-Type included */
    char *body;         /* NUL-terminated JSON */
    size_t body_len;
} cf_mock_answer;

void cf_mock_answer_cleanup(cf_mock_answer *a);

/* Answers one request without a socket, exactly as a connection would be answered (latency
 * fault, idempotency store, resources and counters included): the entry point of fuzz targets
 * and unit tests. `path` may carry a query (percent-encoded, read as the query parameters);
 * `headers` (NULL: none) are looked up case-insensitively; a body longer than CF_MAX_REQUEST_BODY
 * gets the validation answer. Thread-safe. Fails only with CF_E_NOMEM, *out then empty. */
CF_WUR cf_rc cf_mock_handle(cf_mock *m, const char *method, const char *path,
                            const cf_headers *headers, const char *body, size_t body_len,
                            cf_mock_answer *out);

/* Closes the listener and every connection (waiting answers are cut short), joins the
 * threads and frees everything. Accepts NULL. */
void cf_mock_stop(cf_mock *m);

#endif
