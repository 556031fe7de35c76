/* mock.h - the embedded mock server: one spec served as a live HTTP endpoint (libmicrohttpd). */
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
 *   1. route: another path is a 404 JSON answer, another method a 405 (with Allow);
 *   2. authentication: op.auth_header must carry exactly the value of one of op.auth_vars
 *      (the caller is the index of that variable) -> the auth role's code;
 *   3. fault throttle (per caller) -> the throttle role's code;
 *   4. validation: body within CF_MAX_REQUEST_BODY, a content-type of op.content_types,
 *      JSON (depth CF_MAX_JSON_DEPTH), an object, op.body_schema -> the validation role;
 *   5. fault error-rate -> its code;
 *   6. idempotency keyed by (caller, token): replay, mismatch (idem.mismatch_code) or a new
 *      resource; fault quota is checked before a new resource is created. Lookup and
 *      creation are one step under a lock, so concurrent duplicates all get the first one's
 *      id (idem.in_flight_code is never needed).
 * Bodies past CF_MAX_REQUEST_BODY are read and dropped, then answered with the validation
 * error; one announced with "Expect: 100-continue" is refused before it is sent. Requests
 * libmicrohttpd itself refuses (malformed HTTP, header lines past the per-connection memory
 * limit) get its own short 4xx answer, not a JSON one.
 * Answers are the spec's mock templates; a bad request never gets a 5xx, and no message
 * repeats a credential or any secret variable. */

/* Fault injection; zero-initialised means none. Several --fault texts fill one struct. */
typedef struct {
    long latency_ms;       /* > 0: each answer waits this long before it is sent */
    double error_rate;     /* 0..1: chance that a valid request is answered with error_code */
    char error_code[128];  /* catalogue code or role name; "" = the internal role's code */
    double throttle_per_s; /* > 0: per-caller token bucket, this rate, burst max(1, rate) */
    int quota_set;         /* 1: the quota below applies */
    unsigned long quota;   /* new resources per caller before the quota role's code */
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
 * thread; latency-fault answers wait with their connection suspended).
 * Errors: CF_E_USAGE for options that do not fit the spec (a fault code not in the catalogue,
 * a role the spec lacks, an auth variable without a value, a bad bind address),
 * CF_E_INVALID for a mock template that cannot be expanded, CF_E_IO when the address cannot
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
 * fault, idempotency store and counters included): the entry point of fuzz targets and unit
 * tests. `path` may carry a query, which is ignored; `headers` (NULL: none) are looked up
 * case-insensitively; a body longer than CF_MAX_REQUEST_BODY gets the validation answer.
 * Thread-safe. Fails only with CF_E_NOMEM, *out then empty. */
CF_WUR cf_rc cf_mock_handle(cf_mock *m, const char *method, const char *path,
                            const cf_headers *headers, const char *body, size_t body_len,
                            cf_mock_answer *out);

/* Closes the listener and every connection (waiting answers are cut short), joins the
 * threads and frees everything. Accepts NULL. */
void cf_mock_stop(cf_mock *m);

#endif
