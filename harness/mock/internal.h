/* internal.h - what the mock's files share: the server state and one request's journey. */
#ifndef CF_MOCK_INTERNAL_H
#define CF_MOCK_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/diag.h"
#include "http/headers.h"
#include "mock/mock.h"
#include "mock/store.h"
#include "base/secrets.h"
#include "contract/template.h"

/* Bodies past CF_MAX_REQUEST_BODY are still read (and dropped) up to this many bytes so the
 * client gets its validation answer intact; past it the connection is closed. */
#define DRAIN_MAX ((size_t)CF_MAX_REQUEST_BODY * 64u)
#define DEFAULT_RETENTION_S (8L * 3600L)
#define THREAD_STACK (1024u * 1024u)
#define MEMORY_LIMIT (64u * 1024u) /* per connection: header lines plus read buffer */

typedef struct {
    double tokens;  /* throttle bucket */
    double last_ms; /* monotonic time of the last refill */
    int primed;
    unsigned long created; /* for the quota */
} caller_state;

struct cf_mock {
    const cf_spec *spec;
    cf_secrets secrets; /* owned copy of the variables; masks secrets in error messages */
    char **creds;       /* value of op.auth_vars[i], owned; NULL entries allowed */
    size_t cred_count;
    cf_mock_faults faults;
    const char *fault_code;         /* code answered by error-rate */
    char size_pointer[CF_PATH_MAX]; /* request member {$size} reads; "" when none */
    struct MHD_Daemon *daemon;
    unsigned port;
    char url[128];

    pthread_mutex_t lock; /* guards everything below */
    cf_mock_store *store;
    caller_state *callers;
    size_t caller_count;
    uint64_t prng;
    cf_mock_stats stats;

    pthread_mutex_t wait_lock; /* latency waits sleep on `wake`; stop broadcasts it */
    pthread_cond_t wake;
    int stopping;
    struct request *waiting; /* answers held for the latency fault (delay.c), under wait_lock */
    pthread_t waker;         /* resumes them when due */
    int waker_started;
};

/* One request as it arrives. */
typedef struct request {
    cf_buf body;
    size_t received; /* body bytes seen, kept or not */
    int too_large;
    int nomem;
    int answered;
    /* the latency fault: the answer is made at once and sent when due, the connection
     * suspended meanwhile so that no pool thread sleeps */
    cf_mock_answer held;
    int holding;
    double due_ms; /* monotonic */
    struct MHD_Connection *conn;
    struct request *wait_next;
} request;

/* What the mock decided to answer. */
typedef struct {
    int status;
    const char *code; /* NULL: success */
    char message[CF_MAX_MOCK_MESSAGE + 1];
    const char *allow; /* Allow header for 405 */
    /* success */
    char id[40];
    int64_t created_ms;
    const cJSON *body; /* the parsed request, for {$size} */
} outcome;

/* Where the checks read request headers: a libmicrohttpd connection or a cf_headers list. */
typedef struct {
    struct MHD_Connection *conn; /* exactly one of the two is set */
    const cf_headers *list;
} header_source;

/* One request as the checks see it. */
typedef struct {
    const header_source *headers;
    const char *method;
    const char *path; /* without the query */
    size_t path_len;
    const char *body;
    size_t body_len;
    int too_large; /* the body passed CF_MAX_REQUEST_BODY and was not kept */
    int nomem;
} incoming;

/* decide.c: the checks in contract order; fills *o, and *json with the parsed body. */
void cf_mock_decide(cf_mock *m, const incoming *r, outcome *o, cJSON **json);
/* decide.c: sets o->message from a format, with every secret and the presented credential
 * masked before it is cut to CF_MAX_MOCK_MESSAGE. */
void cf_mock_message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                         const char *fmt, ...) CF_PRINTF(5, 6);

/* decide.c: the code the spec gives a role; the validation code when it gives none. */
const char *cf_mock_role_code(const cf_mock *m, cf_role role);

/* answer.c: the answer's headers and body from the spec's mock templates. */
CF_WUR cf_rc cf_mock_render(const cf_mock *m, const outcome *o, cf_headers *headers, char **body,
                            size_t *body_len, char *err, size_t errlen);
/* answer.c: sleeps for the latency fault; cut short when the mock stops. For cf_mock_handle()
 * only: served connections use delay.c instead. */
void cf_mock_latency_wait(cf_mock *m);

/* delay.c: starts the thread that resumes held answers (when the latency fault is on). */
CF_WUR cf_rc cf_mock_delay_start(cf_mock *m);
/* delay.c: suspends `conn` (call from its request callback) until the latency has passed;
 * libmicrohttpd then calls the request callback again, which sends r->held. */
void cf_mock_delay_hold(cf_mock *m, request *r, struct MHD_Connection *conn);
/* delay.c: resumes every held connection at once and joins the thread (before the daemon
 * stops). Safe when it never started. */
void cf_mock_delay_stop(cf_mock *m);

#endif
