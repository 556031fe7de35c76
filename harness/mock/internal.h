/* internal.h - what the mock's files share: the server state and one request's journey. */
#ifndef CF_MOCK_INTERNAL_H
#define CF_MOCK_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/limits.h"
#include "base/secrets.h"
#include "contract/api.h"
#include "contract/template.h"
#include "http/headers.h"
#include "mock/mock.h"
#include "mock/state.h"
#include "mock/store.h"

/* Memory: a cf_mock owns everything below except `api` (borrowed from the options, or
 * `owned_api` when made from a v1 spec); an outcome owns `params`, `page` and `resources`
 * (outcome_cleanup). */

/* Bodies past CF_MAX_REQUEST_BODY are still read (and dropped) up to this many bytes so the
 * client gets its validation answer intact; past it the connection is closed. */
#define DRAIN_MAX ((size_t)CF_MAX_REQUEST_BODY * 64u)
#define DEFAULT_RETENTION_S (8L * 3600L)
#define DEFAULT_URL_TTL_S 300L
#define THREAD_STACK (1024u * 1024u)
#define MEMORY_LIMIT (64u * 1024u) /* per connection: header lines plus read buffer */
#define ALLOW_MAX 96               /* the Allow header of a 405 */

typedef struct {
    double tokens;  /* throttle bucket */
    double last_ms; /* monotonic time of the last refill */
    int primed;
    unsigned long created; /* for the quota */
} caller_state;

/* What the mock prepared for one operation at start. */
typedef struct {
    int status;               /* of a success */
    const char *content_type; /* of a success body */
    cJSON *body;              /* the answer when the operation has no template: an example or
                               * a value synthesised from the schema; NULL: no body */
    cJSON **error_bodies;     /* per response: a body valid by its schema, for the error answers
                               * the envelope would not fit; NULL (or NULL entries): the envelope */
    int creates;              /* a new success counts against the quota fault */
    int direct;               /* the success template renders straight to text (direct.c) */
    struct cf_mock_compiled *compiled; /* its compiled form; NULL: walked */
    char size_pointer[CF_PATH_MAX];    /* the request member {$size} reads; "" when none */
} op_plan;

struct cf_mock {
    const cf_api *api;
    cf_api *owned_api;  /* made from a v1 spec, freed with the mock */
    cf_secrets secrets; /* owned copy of the variables; masks secrets in error messages */
    /* callers: the secret variables credentials name as callers, with their values (NULL when
     * unset). Index caller_count is everyone else: requests that need no credential or whose
     * credential is only checked for presence. */
    const char **caller_names;
    char **caller_values;
    size_t caller_count;
    op_plan *plans;                /* one per api operation */
    const char *request_id_header; /* a request-id header some response requires: on every
                                    * answer, routed or not; NULL when none */
    cf_mock_faults faults;
    const char *fault_code; /* code answered by error-rate; NULL: none in the catalogue */
    int fault_status;
    cf_api_role fault_role;
    int error_direct; /* the api's error template renders straight to text (direct.c) */
    struct cf_mock_compiled *error_compiled; /* its compiled form; NULL: walked */
    struct MHD_Daemon *daemon;
    unsigned port;
    char url[128];

    pthread_mutex_t lock; /* guards everything below */
    cf_mock_store *store;
    cf_mock_state *state;
    caller_state *callers; /* caller_count + 1 */
    uint64_t prng;
    unsigned long serial; /* new successes so far */
    cf_mock_stats stats;  /* the exception: counted with __atomic builtins, not the lock */

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
    const cf_api_operation *op; /* NULL: the request matched no operation */
    const op_plan *plan;
    int status;
    const char *code; /* the error's catalogue code; NULL with `error` 0: success */
    int error;        /* 1: an error answer */
    cf_api_role role;
    char message[CF_MAX_MOCK_MESSAGE + 1];
    char allow[ALLOW_MAX]; /* Allow header of a 405; "" otherwise */
    size_t caller;
    size_t session; /* CF_MOCK_SESSION_OWNER of the live credential resource presented; 0: none */
    int replay;     /* the answer repeats an earlier one: nothing new is recorded */
    /* success */
    char id[40];
    unsigned long serial; /* a new success's number: a produced id the schema types as a number */
    int64_t created_ms;
    const cJSON *body; /* the parsed request body; NULL when none */
    cJSON *params;     /* {"path": {..}, "query": {..}, "header": {..}}: the request's parameters */
    cJSON *resources;  /* resource name -> the request that produced the consumed resource */
    cJSON *stored;     /* the answer that produced the first consumed resource (not a
                        * credential): what an operation that reads it answers */
    cJSON *page;       /* lists: the items of the page */
    char next_token[48]; /* lists: "" when the page is the last */
} outcome;

void cf_mock_outcome_cleanup(outcome *o);

/* Where the checks read request headers: a libmicrohttpd connection or a cf_headers list. */
typedef struct {
    struct MHD_Connection *conn; /* exactly one of the two is set */
    const cf_headers *list;
} header_source;

/* One request as the checks see it. */
typedef struct {
    const header_source *headers;
    const char *method;
    const char *path; /* may carry a query after '?' */
    size_t path_len;  /* without the query */
    const char *body;
    size_t body_len;
    int too_large; /* the body passed CF_MAX_REQUEST_BODY and was not kept */
    int nomem;
} incoming;

/* decide.c: the checks in contract order for a routed request (o->op set); fills *o, and
 * *json with the parsed body. */
void cf_mock_decide(cf_mock *m, const incoming *r, outcome *o, cJSON **json);
/* decide.c: after the answer is rendered: records the resources it produced and the item
 * it appends (a new success only). */
void cf_mock_record(cf_mock *m, const outcome *o, const cf_headers *headers, const cJSON *answer);

/* errors.c: sets o->message from a format, with every secret and the presented credential
 * masked before it is cut to CF_MAX_MOCK_MESSAGE. */
void cf_mock_message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                         const char *fmt, ...) CF_PRINTF(5, 6);
/* errors.c: makes *o the error of `role` for its operation: the operation's code and status
 * for the role, else the api's, else the role's usual status without a code. */
void cf_mock_fail(const cf_mock *m, outcome *o, cf_api_role role);
/* errors.c: 1 when the operation (or, without one, the api) has an error of `role`. */
int cf_mock_has_role(const cf_mock *m, const cf_api_operation *op, cf_api_role role);

/* params.c: first value of a header (case-insensitive), NULL when absent; *len its length. */
const char *cf_mock_header(const header_source *h, const char *name, size_t *len);
/* params.c: how many times a header was sent. */
unsigned cf_mock_header_count(const header_source *h, const char *name);
/* params.c: reads the path, query and header parameters into o->params; 0 with the
 * validation error in *o (a value that does not decode). */
int cf_mock_params_read(cf_mock *m, const incoming *r, outcome *o);
/* params.c: checks each declared parameter: present when required, valid by its schema. */
int cf_mock_params_check(cf_mock *m, outcome *o);
/* params.c: a request value by locator: "/pointer" (body), "path:name", "query:name",
 * "header:Name". NULL when absent. Borrowed from o. */
const cJSON *cf_mock_request_value(const outcome *o, const char *locator);
/* params.c: the value a resource reference points at in the request, NULL when absent. */
const cJSON *cf_mock_ref_value(const outcome *o, const cf_api_resource_ref *ref);

/* answer.c: the answer's headers and body. */
CF_WUR cf_rc cf_mock_render(const cf_mock *m, const outcome *o, cf_headers *headers, char **body,
                            size_t *body_len, cJSON **doc, char *err, size_t errlen);
/* answer.c: an error body in the contract's envelope (code header set on `h`). */
CF_WUR cf_rc cf_mock_error_envelope(const cf_mock *m, const outcome *o, cf_headers *h, cJSON **doc);
/* answer.c: expands a template tree with the outcome's generators ({$id}, {$request:..}). */
CF_WUR cf_rc cf_mock_expand(const cf_mock *m, const outcome *o, const cJSON *tmpl, cJSON **out,
                            char *err, size_t errlen);
/* answer.c: what the generators of one answer read. */
typedef struct {
    const cf_mock *m;
    const outcome *o;
    char request_id[37];
} cf_mock_gen;
/* answer.c: the mock's generators ({$id}, {$created_at}, ...), a cf_generator_cb over a
 * cf_mock_gen. */
CF_WUR cf_rc cf_mock_generate(void *gen, const char *name, const char *arg, cf_buf *out);
/* answer.c: the value of a whole-string placeholder; *known 0 when it is no value placeholder. */
const cJSON *cf_mock_placeholder_value(const cf_mock_gen *g, const char *name, const char *arg,
                                       int *known);
/* answer.c: splits a string that is exactly "{$name}" / "{$name:arg}"; 0 when it is not. */
int cf_mock_whole_placeholder(const char *s, char *name, size_t ncap, char *arg, size_t acap);

/* direct.c: a template compiled to JSON text and generator slots. Memory: made by
 * cf_mock_compile, freed by cf_mock_compiled_free (accepts NULL). */
typedef struct cf_mock_compiled cf_mock_compiled;
/* direct.c: 1 when `tmpl` may be rendered straight to text: no object in it has two members
 * of one name. */
int cf_mock_direct_ok(const cJSON *tmpl);
/* direct.c: compiles `tmpl` (variables filled in from m's); *out NULL with CF_OK when the
 * template needs the walk (a member a value placeholder may remove, ...). */
CF_WUR cf_rc cf_mock_compile(const cf_mock *m, const cJSON *tmpl, cf_mock_compiled **out);
void cf_mock_compiled_free(cf_mock_compiled *c);
/* direct.c: renders `tmpl` (compiled as `c`, or walked when c is NULL) into *body (malloc'd,
 * the caller frees) - the bytes expanding it into a tree and printing that would give. */
CF_WUR cf_rc cf_mock_render_direct(const cf_mock_gen *g, const cf_mock_compiled *c,
                                   const cJSON *tmpl, char **body, size_t *len, char *err,
                                   size_t errlen);
/* answer.c: 1 for a request-id-like header name: "x-amzn-RequestId", "X-Request-ID". */
int cf_mock_names_request_id(const char *name);
/* answer.c: sleeps for the latency fault; cut short when the mock stops. For cf_mock_handle()
 * only: served connections use delay.c instead. */
void cf_mock_latency_wait(cf_mock *m);

/* plan.c: prepares the operations' answers and the callers; CF_E_USAGE / CF_E_INVALID with
 * err for a contract the mock cannot serve. */
CF_WUR cf_rc cf_mock_plan(cf_mock *m, const cf_mock_opts *opts, char *err, size_t errlen);
void cf_mock_plan_free(cf_mock *m);

/* delay.c: starts the thread that resumes held answers (when the latency fault is on). */
CF_WUR cf_rc cf_mock_delay_start(cf_mock *m);
/* delay.c: suspends `conn` (call from its request callback) until the latency has passed;
 * libmicrohttpd then calls the request callback again, which sends r->held. */
void cf_mock_delay_hold(cf_mock *m, request *r, struct MHD_Connection *conn);
/* delay.c: resumes every held connection at once and joins the thread (before the daemon
 * stops). Safe when it never started. */
void cf_mock_delay_stop(cf_mock *m);

#endif
