/* mock.c - the mock server: checks requests in contract order and answers from the spec. */
#include "mock/mock.h"
#include "redact.h"
#include "str.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <microhttpd.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "cf_limits.h"
#include "mock/store.h"
#include "schema.h"
#include "timefmt.h"
#include "uuid.h"

/* Bodies past CF_MAX_REQUEST_BODY are still read (and dropped) up to this many bytes so the
 * client gets its validation answer intact; past it the connection is closed. */
#define DRAIN_MAX ((size_t)CF_MAX_REQUEST_BODY * 64u)
#define MESSAGE_MAX 480 /* bytes of an error message */
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
    cf_bindings vars; /* owned copy */
    char **creds;     /* value of op.auth_vars[i], owned; NULL entries allowed */
    size_t cred_count;
    cf_redactor redactor; /* masks secret variables in error messages */
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
};

/* One request as it arrives. */
typedef struct {
    cf_buf body;
    size_t received; /* body bytes seen, kept or not */
    int too_large;
    int nomem;
    int answered;
} request;

/* What the mock decided to answer. */
typedef struct {
    int status;
    const char *code; /* NULL: success */
    char message[MESSAGE_MAX + 1];
    const char *allow; /* Allow header for 405 */
    /* success */
    char id[40];
    int64_t created_ms;
    const cJSON *body; /* the parsed request, for {$size} */
} outcome;

/* ---- small helpers ------------------------------------------------------------------------ */

/* splitmix64: the seeded stream behind error-rate draws. */
static uint64_t prng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double prng_unit(uint64_t *state)
{
    return (double)(prng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Compares without an early exit, so timing does not reveal how much of a credential
 * matched. */
static int same_secret(const char *want, const char *got, size_t got_len)
{
    size_t want_len = strlen(want);
    unsigned char diff = (unsigned char)(want_len != got_len);
    for (size_t i = 0; i < got_len; i++)
        diff |= (unsigned char)(want[i % (want_len ? want_len : 1)] ^ got[i]);
    return diff == 0 && want_len > 0;
}

/* Copies `in` to `out` (capacity cap, NUL included) with every occurrence of a secret
 * replaced by "***" and control characters by spaces; returns the length written. */
/* Sets the error message, made safe to send: no secret of the mock and no presented
 * credential of 4+ bytes survives (a shorter one would mangle every message), no control
 * character, at most MESSAGE_MAX bytes cut on a UTF-8 boundary. */
static void message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                        const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                        const char *fmt, ...)
{
    /* Whole text first, then redaction, then the cut: a secret cut first would survive as a
     * prefix no redaction recognises. */
    cf_buf raw, once, clean;
    cf_buf_init(&raw, 256u * 1024u);
    cf_buf_init(&once, 1024u * 1024u);
    cf_buf_init(&clean, 1024u * 1024u);
    va_list ap;
    va_start(ap, fmt);
    cf_rc rc = cf_buf_vaddf(&raw, fmt, ap);
    va_end(ap);
    cf_redactor cred = {0};
    char *value = presented && presented_len >= 4 ? cf_strndup(presented, presented_len) : NULL;
    if (rc == CF_OK && value)
        rc = cf_redactor_add(&cred, "credential", value);
    if (rc == CF_OK)
        rc = cf_redact(&m->redactor, cf_buf_str(&raw), raw.len, &once);
    if (rc == CF_OK)
        rc = cf_redact(&cred, cf_buf_str(&once), once.len, &clean);
    const char *text = rc == CF_OK ? cf_buf_str(&clean) : "invalid request";
    size_t len = 0;
    for (; text[len] && len < MESSAGE_MAX; len++) {
        unsigned char c = (unsigned char)text[len];
        o->message[len] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (text[len]) /* cut on a UTF-8 boundary */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    o->message[len] = '\0';
    free(value);
    cf_redactor_cleanup(&cred);
    cf_buf_free(&raw);
    cf_buf_free(&once);
    cf_buf_free(&clean);
}

static void set_error(const cf_mock *m, outcome *o, const char *code)
{
    o->code = code;
    int status = cf_spec_code_status(m->spec, code);
    o->status = status > 0 ? status : 500;
}

static const char *role_code(const cf_mock *m, cf_role role)
{
    const char *c = cf_spec_role_code(m->spec, role);
    if (c)
        return c;
    /* Why: the spec's validation role is required, so a bad request is never a 5xx. */
    return cf_spec_role_code(m->spec, CF_ROLE_VALIDATION);
}

static const char *json_kind(const cJSON *v)
{
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "an object";
}

/* Where the checks read request headers: a libmicrohttpd connection or a cf_headers list. */
typedef struct {
    struct MHD_Connection *conn; /* exactly one of the two is set */
    const cf_headers *list;
} header_source;

/* First value of a header (case-insensitive), NULL when absent; *len gets its length. */
static const char *header_get(const header_source *h, const char *name, size_t *len)
{
    const char *v = NULL;
    size_t n = 0;
    if (h->conn) {
        if (MHD_lookup_connection_value_n(h->conn, MHD_HEADER_KIND, name, strlen(name), &v, &n) !=
            MHD_YES)
            return NULL;
        if (!v) {
            v = "";
            n = 0;
        }
    } else {
        v = cf_headers_get(h->list, name);
        n = v ? strlen(v) : 0;
    }
    if (len)
        *len = n;
    return v;
}

typedef struct {
    const char *name;
    unsigned count;
} header_counter;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    header_counter *c = cls;
    (void)kind;
    (void)value;
    if (key && strcasecmp(key, c->name) == 0)
        c->count++;
    return MHD_YES;
}

/* How many times a header was sent. */
static unsigned header_count(const header_source *h, const char *name)
{
    header_counter c = {name, 0};
    if (h->conn) {
        MHD_get_connection_values(h->conn, MHD_HEADER_KIND, count_header, &c);
    } else {
        for (size_t i = 0; i < h->list->count; i++)
            c.count += strcasecmp(h->list->items[i].name, name) == 0;
    }
    return c.count;
}

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

/* ---- the checks, in contract order -------------------------------------------------------- */

/* Returns the caller index, or -1 with the auth error in *o. */
static long authenticate(cf_mock *m, const header_source *h, outcome *o, const char **presented,
                         size_t *presented_len)
{
    const cf_spec *spec = m->spec;
    *presented = NULL;
    *presented_len = 0;
    if (!spec->op.auth_header)
        return 0;
    size_t len = 0;
    const char *hdr = spec->op.auth_header;
    const char *value = header_get(h, hdr, &len);
    if (!value) {
        set_error(m, o, role_code(m, CF_ROLE_AUTH));
        message_set(m, o, NULL, 0, "missing credential: send the %s header", hdr);
        return -1;
    }
    *presented = value;
    *presented_len = len;
    if (header_count(h, hdr) > 1) {
        /* Two credentials are ambiguous: a proxy and the service might each pick another. */
        set_error(m, o, role_code(m, CF_ROLE_AUTH));
        message_set(m, o, NULL, 0, "send exactly one %s header", hdr);
        return -1;
    }
    if (len == 0) {
        set_error(m, o, role_code(m, CF_ROLE_AUTH));
        message_set(m, o, NULL, 0, "the %s header is empty", hdr);
        return -1;
    }
    for (size_t i = 0; i < m->cred_count; i++)
        if (m->creds[i] && same_secret(m->creds[i], value, len))
            return (long)i;
    set_error(m, o, role_code(m, CF_ROLE_AUTH));
    message_set(m, o, NULL, 0, "the credential in the %s header is not accepted", hdr);
    return -1;
}

/* Token bucket per caller; 1 when the request may go on. Call with the lock held. */
static int throttle_take(cf_mock *m, size_t caller, double now)
{
    double rate = m->faults.throttle_per_s;
    double burst = rate < 1 ? 1 : rate;
    caller_state *c = &m->callers[caller];
    if (!c->primed) {
        c->tokens = burst;
        c->last_ms = now;
        c->primed = 1;
    }
    c->tokens += (now - c->last_ms) / 1000.0 * rate;
    if (c->tokens > burst)
        c->tokens = burst;
    c->last_ms = now;
    if (c->tokens < 1)
        return 0;
    c->tokens -= 1;
    return 1;
}

/* Request validation; returns the parsed body or NULL with the validation error in *o. */
static cJSON *validate(cf_mock *m, const incoming *r, outcome *o, const char *presented,
                       size_t presented_len)
{
    const cf_spec *spec = m->spec;
    const char *vcode = role_code(m, CF_ROLE_VALIDATION);
    if (r->too_large) {
        set_error(m, o, vcode);
        message_set(m, o, NULL, 0, "request body too large: the limit is %u bytes",
                    (unsigned)CF_MAX_REQUEST_BODY);
        return NULL;
    }
    if (spec->op.content_type_count > 0) {
        const char *ct = header_get(r->headers, "Content-Type", NULL);
        int ok = 0;
        for (size_t i = 0; ct && i < spec->op.content_type_count; i++)
            if (cf_http_media_type_is(ct, spec->op.content_types[i]))
                ok = 1;
        if (!ok) {
            set_error(m, o, vcode);
            if (!ct)
                message_set(m, o, NULL, 0, "missing content-type: send %s",
                            spec->op.content_types[0]);
            else
                message_set(m, o, presented, presented_len,
                            "unsupported content-type '%s': send %s", ct,
                            spec->op.content_types[0]);
            return NULL;
        }
    }
    if (r->body_len == 0) {
        set_error(m, o, vcode);
        message_set(m, o, NULL, 0, "the request body is empty: send a JSON object");
        return NULL;
    }
    cJSON *json = NULL;
    size_t offset = 0;
    cf_rc rc = cf_json_parse(r->body, r->body_len, CF_MAX_JSON_DEPTH, &json, &offset);
    if (rc == CF_E_TOO_DEEP) {
        set_error(m, o, vcode);
        message_set(m, o, NULL, 0, "the request body nests deeper than %d levels",
                    CF_MAX_JSON_DEPTH);
        return NULL;
    }
    if (rc != CF_OK) {
        set_error(m, o, vcode);
        if (rc == CF_E_NOMEM) {
            set_error(m, o, role_code(m, CF_ROLE_INTERNAL));
            message_set(m, o, NULL, 0, "out of memory");
        } else {
            message_set(m, o, NULL, 0, "the request body is not valid JSON (at byte %zu)", offset);
        }
        return NULL;
    }
    if (!cJSON_IsObject(json)) {
        set_error(m, o, vcode);
        message_set(m, o, NULL, 0, "the request body must be a JSON object, not %s",
                    json_kind(json));
        cJSON_Delete(json);
        return NULL;
    }
    if (spec->op.body_schema) {
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_validate(spec->op.body_schema, json, "", &d);
        if (n > 0) {
            set_error(m, o, vcode);
            if (d.count > 0) {
                const cf_diag *first = &d.items[0];
                message_set(m, o, presented, presented_len, "invalid request: %s%s%s%s",
                            first->path[0] ? first->path : "", first->path[0] ? ": " : "",
                            first->message, n > 1 ? " (and more)" : "");
            } else {
                message_set(m, o, NULL, 0, "invalid request");
            }
            cf_diags_cleanup(&d);
            cJSON_Delete(json);
            return NULL;
        }
        cf_diags_cleanup(&d);
    }
    return json;
}

/* The canonical text of the members a replay must repeat: one printed value per line. */
static cf_rc idem_params(const cf_spec *spec, const cJSON *body, cf_buf *out)
{
    for (size_t i = 0; i < spec->idem.parameter_count; i++) {
        const cJSON *v = cf_json_pointer(body, spec->idem.parameters[i]);
        cf_rc rc;
        if (!v) {
            rc = cf_buf_adds(out, "-\n");
        } else {
            char *text = cf_json_print(v);
            if (!text)
                return CF_E_NOMEM;
            rc = cf_buf_addf(out, "=%s\n", text);
            free(text);
        }
        if (rc != CF_OK)
            return rc;
    }
    if (out->len == 0)
        return cf_buf_adds(out, "");
    return CF_OK;
}

/* Index of the first differing line of two parameter texts. */
static size_t first_difference(const char *a, const char *b)
{
    size_t line = 0;
    for (;;) {
        const char *ea = strchr(a, '\n');
        const char *eb = strchr(b, '\n');
        if (!ea || !eb)
            return line;
        if (ea - a != eb - b || memcmp(a, b, (size_t)(ea - a)) != 0)
            return line;
        a = ea + 1;
        b = eb + 1;
        line++;
    }
}

/* Idempotency, quota and creation. Fills *o with success or the error. */
static void create_or_replay(cf_mock *m, size_t caller, const cJSON *body, outcome *o)
{
    const cf_spec *spec = m->spec;
    const char *token = NULL;
    if (spec->idem.enabled && spec->idem.token) {
        const cJSON *t = cf_json_pointer(body, spec->idem.token);
        if (cJSON_IsString(t))
            token = t->valuestring;
    }
    cf_buf params;
    cf_buf_init(&params, CF_MAX_REQUEST_BODY * 2u);
    if (token && idem_params(spec, body, &params) != CF_OK) {
        cf_buf_free(&params);
        set_error(m, o, role_code(m, CF_ROLE_INTERNAL));
        message_set(m, o, NULL, 0, "out of memory");
        return;
    }
    char id[37];
    cf_uuid_v4(id);
    int64_t now_ms = cf_time_now_ms();
    double now = cf_time_mono_ms();

    pthread_mutex_lock(&m->lock);
    const cf_mock_entry *e = NULL;
    if (token) {
        cf_mock_store_expire(m->store, now);
        e = cf_mock_store_find(m->store, caller, token);
    }
    if (e && strcmp(e->params, cf_buf_str(&params)) != 0) {
        size_t i = first_difference(e->params, cf_buf_str(&params));
        const char *what = i < spec->idem.parameter_count ? spec->idem.parameters[i] : "a member";
        set_error(m, o,
                  spec->idem.mismatch_code ? spec->idem.mismatch_code
                                           : role_code(m, CF_ROLE_VALIDATION));
        message_set(m, o, NULL, 0, "the idempotency token %s was already used with a different %s",
                    spec->idem.token, what);
    } else if (e) {
        memcpy(o->id, e->id, sizeof(o->id));
        o->created_ms = e->created_ms;
        o->status = spec->resp.success_status;
    } else if (m->faults.quota_set && m->callers[caller].created >= m->faults.quota) {
        set_error(m, o, role_code(m, CF_ROLE_QUOTA));
        message_set(m, o, NULL, 0, "quota exceeded: each caller may create %lu", m->faults.quota);
    } else if (token && cf_mock_store_add(m->store, caller, token, cf_buf_str(&params), id, now_ms,
                                          now) != CF_OK) {
        set_error(m, o, role_code(m, CF_ROLE_INTERNAL));
        message_set(m, o, NULL, 0, "out of memory");
    } else {
        m->callers[caller].created++;
        m->stats.created++;
        memcpy(o->id, id, sizeof(id));
        o->created_ms = now_ms;
        o->status = spec->resp.success_status;
    }
    pthread_mutex_unlock(&m->lock);
    cf_buf_free(&params);
}

/* Decides the answer for a routed request. The parsed body (if any) is handed back in *json
 * for {$size}; the caller frees it. */
static void decide(cf_mock *m, const incoming *r, outcome *o, cJSON **json)
{
    const char *presented = NULL;
    size_t presented_len = 0;
    *json = NULL;
    if (r->nomem) {
        set_error(m, o, role_code(m, CF_ROLE_INTERNAL));
        message_set(m, o, NULL, 0, "out of memory");
        return;
    }
    long caller = authenticate(m, r->headers, o, &presented, &presented_len);
    if (caller < 0)
        return;
    if (m->faults.throttle_per_s > 0) {
        pthread_mutex_lock(&m->lock);
        int ok = throttle_take(m, (size_t)caller, cf_time_mono_ms());
        pthread_mutex_unlock(&m->lock);
        if (!ok) {
            set_error(m, o, role_code(m, CF_ROLE_THROTTLE));
            message_set(m, o, NULL, 0, "rate exceeded: at most %g requests per second",
                        m->faults.throttle_per_s);
            return;
        }
    }
    *json = validate(m, r, o, presented, presented_len);
    if (!*json)
        return;
    o->body = *json;
    if (m->faults.error_rate > 0) {
        pthread_mutex_lock(&m->lock);
        double draw = prng_unit(&m->prng);
        pthread_mutex_unlock(&m->lock);
        if (draw < m->faults.error_rate) {
            set_error(m, o, m->fault_code);
            message_set(m, o, NULL, 0, "injected fault (error-rate %g)", m->faults.error_rate);
            return;
        }
    }
    create_or_replay(m, (size_t)caller, *json, o);
}

/* ---- answers ------------------------------------------------------------------------------ */

typedef struct {
    const cf_mock *m;
    const outcome *o;
    char request_id[37];
} gen_ctx;

/* The request member {$size} names: the generator's argument, or the spec's size member. */
static const cJSON *size_value(const gen_ctx *g, const char *arg)
{
    const char *ptr = arg && arg[0] == '/' ? arg : g->m->size_pointer;
    if (!g->o->body || !ptr[0])
        return NULL;
    const cJSON *v = cf_json_pointer(g->o->body, ptr);
    return cJSON_IsNumber(v) ? v : NULL;
}

static cf_rc generate(void *user, const char *name, const char *arg, cf_buf *out)
{
    gen_ctx *g = user;
    char ts[25];
    if (strcmp(name, "id") == 0)
        return cf_buf_adds(out, g->o->id);
    if (strcmp(name, "created_at") == 0) {
        cf_time_format_millis(g->o->created_ms ? g->o->created_ms : cf_time_now_ms(), ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(name, "expiry") == 0) {
        cf_time_format_millis(cf_time_now_ms() + (int64_t)g->m->spec->mock.url_ttl_s * 1000, ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(name, "signature") == 0) {
        char hex[65];
        cf_random_hex(hex, 64);
        return cf_buf_adds(out, hex);
    }
    if (strcmp(name, "request_id") == 0)
        return cf_buf_adds(out, g->request_id);
    if (strcmp(name, "code") == 0)
        return cf_buf_adds(out, g->o->code ? g->o->code : "");
    if (strcmp(name, "message") == 0)
        return cf_buf_adds(out, g->o->message);
    if (strcmp(name, "size") == 0) {
        const cJSON *v = size_value(g, arg);
        return v ? cf_buf_addf(out, "%.17g", v->valuedouble) : CF_OK;
    }
    return CF_E_NOT_FOUND;
}

/* Whether a template string is exactly one {$size} placeholder (optionally with an arg). */
static int is_size_placeholder(const char *s, const char **arg)
{
    if (strncmp(s, "{$size", 6) != 0)
        return 0;
    size_t n = strlen(s);
    if (s[n - 1] != '}' || strchr(s + 1, '{') || strchr(s, '}') != s + n - 1)
        return 0;
    if (s[6] == '}') {
        *arg = "";
        return 1;
    }
    if (s[6] == ':') {
        *arg = s + 7;
        return 1;
    }
    return 0;
}

/* Walks the template and its expansion together (same shape) and turns each string that
 * was exactly {$size} into a number (null when the request has none). */
static cf_rc size_fixup(const gen_ctx *g, const cJSON *tmpl, cJSON *parent, cJSON *node,
                        cJSON **root)
{
    const char *arg = NULL;
    if (cJSON_IsString(tmpl) && is_size_placeholder(tmpl->valuestring, &arg)) {
        char ptr[CF_PATH_MAX];
        size_t arg_len = strlen(arg); /* arg runs up to the closing brace */
        snprintf(ptr, sizeof(ptr), "%.*s", (int)(arg_len ? arg_len - 1 : 0), arg);
        const cJSON *v = size_value(g, ptr);
        cJSON *num = v ? cJSON_CreateNumber(v->valuedouble) : cJSON_CreateNull();
        if (!num)
            return CF_E_NOMEM;
        if (!parent) {
            cJSON_Delete(*root);
            *root = num;
            return CF_OK;
        }
        /* Why: replacing by pointer would drop the member's name; by key keeps it. */
        cJSON_bool ok = cJSON_IsObject(parent)
                            ? cJSON_ReplaceItemInObjectCaseSensitive(parent, node->string, num)
                            : cJSON_ReplaceItemViaPointer(parent, node, num);
        if (!ok) {
            cJSON_Delete(num);
            return CF_E_NOMEM;
        }
        return CF_OK;
    }
    if (!cJSON_IsArray(tmpl) && !cJSON_IsObject(tmpl))
        return CF_OK;
    const cJSON *t = tmpl->child;
    cJSON *n = node->child;
    while (t && n) {
        cJSON *next = n->next; /* n may be replaced */
        cf_rc rc = size_fixup(g, t, node, n, root);
        if (rc != CF_OK)
            return rc;
        t = t->next;
        n = next;
    }
    return CF_OK;
}

/* Expands a header template object into `out`; headers whose expansion is not a valid
 * header value are dropped rather than sent broken. */
static cf_rc expand_headers(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cf_headers *out, char *err,
                            size_t errlen)
{
    if (!cJSON_IsObject(tmpl))
        return CF_OK;
    for (const cJSON *h = tmpl->child; h; h = h->next) {
        if (!cJSON_IsString(h))
            continue;
        cf_buf v;
        cf_buf_init(&v, 8192);
        cf_rc rc = cf_template_expand(h->valuestring, ctx, &v, err, errlen);
        if (rc == CF_OK) {
            cf_headers_remove(out, h->string);
            cf_rc add = cf_headers_add(out, h->string, cf_buf_str(&v));
            if (add == CF_E_NOMEM)
                rc = add;
        }
        cf_buf_free(&v);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

/* Builds headers and body of an answer. On failure `err` says why. */
static cf_rc render(const cf_mock *m, const outcome *o, cf_headers *headers, char **body,
                    size_t *body_len, char *err, size_t errlen)
{
    const cf_spec *spec = m->spec;
    gen_ctx g = {m, o, {0}};
    cf_uuid_v4(g.request_id);
    cf_tmpl_ctx ctx = {&m->vars, NULL, generate, &g};
    const cJSON *body_tmpl = o->code ? spec->mock.error_body : spec->mock.success_body;
    cJSON *doc = NULL;
    *body = NULL;
    cf_rc rc = expand_headers(spec->mock.headers, &ctx, headers, err, errlen);
    if (rc == CF_OK)
        rc = expand_headers(o->code ? spec->mock.error_headers : spec->mock.success_headers, &ctx,
                            headers, err, errlen);
    if (rc == CF_OK && o->allow) {
        cf_headers_remove(headers, "Allow");
        rc = cf_headers_add(headers, "Allow", o->allow);
    }
    if (rc == CF_OK && !cf_headers_get(headers, "Content-Type"))
        rc = cf_headers_add(headers, "Content-Type",
                            spec->resp.content_type ? spec->resp.content_type : "application/json");
    if (rc == CF_OK && body_tmpl)
        rc = cf_template_expand_json(body_tmpl, &ctx, &doc, err, errlen);
    if (rc == CF_OK && doc)
        rc = size_fixup(&g, body_tmpl, NULL, doc, &doc);
    if (rc == CF_OK) {
        *body = doc ? cf_json_print(doc) : cf_strdup("{}");
        if (!*body)
            rc = CF_E_NOMEM;
        else
            *body_len = strlen(*body);
    }
    cJSON_Delete(doc);
    return rc;
}

/* Sleeps for the latency fault; cut short when the mock stops. */
static void latency_wait(cf_mock *m)
{
    if (m->faults.latency_ms <= 0)
        return;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += m->faults.latency_ms / 1000;
    until.tv_nsec += (m->faults.latency_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->wait_lock);
    while (!m->stopping)
        if (pthread_cond_timedwait(&m->wake, &m->wait_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&m->wait_lock);
}

void cf_mock_answer_cleanup(cf_mock_answer *a)
{
    if (!a)
        return;
    cf_headers_cleanup(&a->headers);
    free(a->body);
    memset(a, 0, sizeof(*a));
}

/* Routes, checks and renders one request into *out (after the latency fault). */
static cf_rc respond(cf_mock *m, const incoming *in, cf_mock_answer *out)
{
    const cf_spec *spec = m->spec;
    outcome o;
    memset(&o, 0, sizeof(o));
    memset(out, 0, sizeof(*out));
    cJSON *json = NULL;
    size_t op_len = strlen(spec->op.path);
    if (in->path_len != op_len || memcmp(in->path, spec->op.path, op_len) != 0) {
        o.status = 404;
        o.code = "NOT_FOUND";
        message_set(m, &o, NULL, 0, "no operation at %.*s; this mock serves %s %s",
                    (int)(in->path_len > 200 ? 200 : in->path_len), in->path, spec->op.method,
                    spec->op.path);
    } else if (strcmp(in->method, spec->op.method) != 0) {
        o.status = 405;
        o.code = "METHOD_NOT_ALLOWED";
        o.allow = spec->op.method;
        message_set(m, &o, NULL, 0, "method %.40s is not allowed here; use %s", in->method,
                    spec->op.method);
    } else {
        decide(m, in, &o, &json);
    }
    latency_wait(m);
    char err[256] = "";
    out->status = o.status;
    cf_rc rc = render(m, &o, &out->headers, &out->body, &out->body_len, err, sizeof(err));
    cJSON_Delete(json);
    if (rc != CF_OK) {
        /* A template the start-up check let through, or memory: a plain internal answer. */
        cf_mock_answer_cleanup(out);
        out->body = cf_strdup("{\"message\":\"the mock could not build its answer\"}");
        if (!out->body ||
            cf_headers_add(&out->headers, "Content-Type", "application/json") != CF_OK) {
            cf_mock_answer_cleanup(out);
            return CF_E_NOMEM;
        }
        out->body_len = strlen(out->body);
        out->status = 500;
    }
    pthread_mutex_lock(&m->lock);
    m->stats.requests++;
    if (!o.code)
        m->stats.successes++;
    pthread_mutex_unlock(&m->lock);
    return CF_OK;
}

cf_rc cf_mock_handle(cf_mock *m, const char *method, const char *path, const cf_headers *headers,
                     const char *body, size_t body_len, cf_mock_answer *out)
{
    static const cf_headers none = {0};
    header_source h = {NULL, headers ? headers : &none};
    incoming in = {&h, method, path, strcspn(path, "?"), body ? body : "", body ? body_len : 0,
                   0,  0};
    if (in.body_len > CF_MAX_REQUEST_BODY) {
        in.too_large = 1;
        in.body_len = 0;
    }
    return respond(m, &in, out);
}

/* Answers a libmicrohttpd request from its collected body. */
static enum MHD_Result answer(cf_mock *m, struct MHD_Connection *conn, const char *url,
                              const char *method, request *r)
{
    r->answered = 1;
    header_source h = {conn, NULL};
    incoming in = {&h,          method,       url,     strlen(url), r->body.ptr ? r->body.ptr : "",
                   r->body.len, r->too_large, r->nomem};
    cf_mock_answer a;
    if (respond(m, &in, &a) != CF_OK)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(a.body_len, a.body, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        cf_mock_answer_cleanup(&a);
        return MHD_NO;
    }
    for (size_t i = 0; i < a.headers.count; i++)
        (void)MHD_add_response_header(resp, a.headers.items[i].name, a.headers.items[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)a.status, resp);
    MHD_destroy_response(resp);
    cf_mock_answer_cleanup(&a);
    return ret;
}

/* ---- libmicrohttpd callbacks -------------------------------------------------------------- */

/* Whether to answer before the body: it is announced too large and the client waits for
 * "100 Continue" (so it never sends the body), or it is too large even to drain. Answering
 * early otherwise would close the socket with unread bytes, and the reset can cut the
 * answer short. */
static int too_large_ahead(struct MHD_Connection *conn)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno != 0 || !end || *end != '\0' || n <= CF_MAX_REQUEST_BODY)
        return 0;
    const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    return n > DRAIN_MAX || (expect && strcasecmp(expect, "100-continue") == 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    cf_mock *m = cls;
    request *r = *req_cls;
    (void)version;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        cf_buf_init(&r->body, CF_MAX_REQUEST_BODY);
        *req_cls = r;
        if (too_large_ahead(conn)) {
            r->too_large = 1;
            return answer(m, conn, url, method, r);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        r->received += n;
        if (r->received > DRAIN_MAX)
            return MHD_NO; /* a body without end: drop the connection */
        if (!r->answered && !r->too_large && !r->nomem) {
            cf_rc rc = cf_buf_add(&r->body, upload_data, n);
            if (rc == CF_E_TOO_LARGE)
                r->too_large = 1;
            else if (rc != CF_OK)
                r->nomem = 1;
        }
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    return answer(m, conn, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    request *r = *req_cls;
    if (!r)
        return;
    cf_buf_free(&r->body);
    free(r);
    *req_cls = NULL;
}

/* ---- start and stop ----------------------------------------------------------------------- */

void cf_mock_opts_init(cf_mock_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->bind = "127.0.0.1";
    o->max_connections = CF_MOCK_DEFAULT_CONNECTIONS;
    o->timeout_s = CF_MOCK_DEFAULT_TIMEOUT_S;
    o->idem_capacity = CF_MOCK_DEFAULT_IDEM_CAPACITY;
}

static int ascii_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* {$size} reads the first top-level request member whose name says "size" and that the
 * schema or the example types as a number. */
static void find_size_member(cf_mock *m)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(m->spec->op.body_schema, "properties");
    const cJSON *sources[2] = {props, m->spec->op.example};
    for (size_t s = 0; s < 2; s++) {
        if (!cJSON_IsObject(sources[s]))
            continue;
        for (const cJSON *p = sources[s]->child; p; p = p->next) {
            if (!p->string || !ascii_contains_ci(p->string, "size"))
                continue;
            if (s == 1 && !cJSON_IsNumber(p))
                continue;
            if (s == 0) {
                const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "type");
                if (!cJSON_IsString(type) || (strcmp(type->valuestring, "integer") != 0 &&
                                              strcmp(type->valuestring, "number") != 0))
                    continue;
            }
            cf_path_key(m->size_pointer, sizeof(m->size_pointer), "", p->string);
            return;
        }
    }
}

/* Expands every answer template once with a sample outcome, so a broken template fails the
 * start rather than every request. */
static cf_rc dry_run(cf_mock *m, char *err, size_t errlen)
{
    outcome o;
    memset(&o, 0, sizeof(o));
    snprintf(o.id, sizeof(o.id), "dry-run");
    o.status = m->spec->resp.success_status;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            o.code = role_code(m, CF_ROLE_VALIDATION);
            snprintf(o.message, sizeof(o.message), "dry run");
        }
        cf_headers h = {0};
        char *body = NULL;
        size_t len = 0;
        char why[256] = "";
        cf_rc rc = render(m, &o, &h, &body, &len, why, sizeof(why));
        cf_headers_cleanup(&h);
        free(body);
        if (rc != CF_OK) {
            snprintf(err, errlen, "%s: the mock's %s answer template does not expand: %s",
                     m->spec->file ? m->spec->file : "spec", pass ? "error" : "success",
                     why[0] ? why : cf_strerror(rc));
            return rc == CF_E_NOMEM ? rc : CF_E_INVALID;
        }
    }
    return CF_OK;
}

static cf_rc setup(cf_mock *m, const cf_mock_opts *opts, char *err, size_t errlen)
{
    const cf_spec *spec = m->spec;
    if (!spec->errors.roles[CF_ROLE_VALIDATION] || !spec->resp.success_status) {
        snprintf(err, errlen, "the spec has no validation role or success status");
        return CF_E_USAGE;
    }
    if (opts->vars)
        for (size_t i = 0; i < opts->vars->count; i++) {
            const cf_binding *b = &opts->vars->items[i];
            if (cf_bindings_set(&m->vars, b->name, b->value, b->secret) != CF_OK)
                return CF_E_NOMEM;
        }
    for (size_t i = 0; i < m->vars.count; i++) {
        const cf_var *v = cf_spec_var(spec, m->vars.items[i].name);
        if ((m->vars.items[i].secret || (v && v->secret)) &&
            cf_redactor_add(&m->redactor, m->vars.items[i].name, m->vars.items[i].value) != CF_OK)
            return CF_E_NOMEM;
    }
    m->cred_count = spec->op.auth_header ? spec->op.auth_var_count : 0;
    m->creds = calloc(m->cred_count + 1, sizeof(*m->creds));
    if (!m->creds)
        return CF_E_NOMEM;
    size_t valued = 0;
    for (size_t i = 0; i < m->cred_count; i++) {
        const char *value = cf_bindings_get(&m->vars, spec->op.auth_vars[i]);
        if (!value || !value[0])
            continue;
        m->creds[i] = cf_strdup(value);
        if (!m->creds[i])
            return CF_E_NOMEM;
        valued++;
    }
    if (spec->op.auth_header && valued == 0) {
        snprintf(err, errlen,
                 "no credential has a value: set the variable %s (--var %s=... or "
                 "CONFORM_VAR_<NAME>)",
                 spec->op.auth_var_count ? spec->op.auth_vars[0] : "of op.auth",
                 spec->op.auth_var_count ? spec->op.auth_vars[0] : "NAME");
        return CF_E_USAGE;
    }
    m->caller_count = m->cred_count ? m->cred_count : 1;
    m->callers = calloc(m->caller_count, sizeof(*m->callers));
    if (!m->callers)
        return CF_E_NOMEM;

    m->faults = opts->faults;
    if (m->faults.error_rate > 0) {
        const char *want = m->faults.error_code;
        int role = want[0] ? cf_role_from_name(want) : CF_ROLE_INTERNAL;
        if (!want[0] || role >= 0) {
            m->fault_code = cf_spec_role_code(spec, (cf_role)role);
            if (!m->fault_code) {
                snprintf(err, errlen, "fault error-rate: the spec names no code for the %s role",
                         cf_role_name((cf_role)role));
                return CF_E_USAGE;
            }
        } else {
            for (size_t i = 0; i < spec->errors.count; i++)
                if (strcmp(spec->errors.codes[i].code, want) == 0)
                    m->fault_code = spec->errors.codes[i].code;
            if (!m->fault_code) {
                snprintf(err, errlen,
                         "fault error-rate: '%s' is neither a code of the spec's catalogue nor "
                         "a role",
                         want);
                return CF_E_USAGE;
            }
        }
    }
    if (m->faults.throttle_per_s > 0 && !cf_spec_role_code(spec, CF_ROLE_THROTTLE)) {
        snprintf(err, errlen, "fault throttle: the spec names no code for the throttle role");
        return CF_E_USAGE;
    }
    if (m->faults.quota_set && !cf_spec_role_code(spec, CF_ROLE_QUOTA)) {
        snprintf(err, errlen, "fault quota: the spec names no code for the quota role");
        return CF_E_USAGE;
    }
    uint64_t seed = opts->seed;
    if (!opts->seed_set) {
        char hex[17];
        cf_random_hex(hex, 16);
        seed = strtoull(hex, NULL, 16);
    }
    m->prng = seed;

    long retention = spec->idem.enabled && spec->idem.retention_s > 0 ? spec->idem.retention_s
                                                                      : DEFAULT_RETENTION_S;
    size_t cap = opts->idem_capacity ? opts->idem_capacity : CF_MOCK_DEFAULT_IDEM_CAPACITY;
    cf_rc rc = cf_mock_store_new(cap, (double)retention * 1000.0, &m->store);
    if (rc != CF_OK)
        return rc;
    find_size_member(m);
    return dry_run(m, err, errlen);
}

/* Resolves the bind address into *addr with the port set. */
static cf_rc resolve_bind(const char *bind, unsigned port, struct sockaddr_storage *addr,
                          socklen_t *addr_len, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(bind, NULL, &hints, &res);
    if (g != 0 || !res) {
        snprintf(err, errlen, "cannot use bind address '%s': %s", bind, gai_strerror(g));
        if (res)
            freeaddrinfo(res);
        return CF_E_USAGE;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *addr_len = (socklen_t)res->ai_addrlen;
    freeaddrinfo(res);
    if (addr->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
    return CF_OK;
}

cf_rc cf_mock_start(const cf_mock_opts *opts, cf_mock **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    if (!opts || !opts->spec) {
        snprintf(err, errlen, "no spec given");
        return CF_E_USAGE;
    }
    if (opts->port > 65535) {
        snprintf(err, errlen, "port %u is out of range 0..65535", opts->port);
        return CF_E_USAGE;
    }
    cf_mock *m = calloc(1, sizeof(*m));
    if (!m)
        return CF_E_NOMEM;
    m->spec = opts->spec;
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_init(&m->wait_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &ca);
    pthread_condattr_destroy(&ca);

    cf_rc rc = setup(m, opts, err, errlen);
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    const char *bind = opts->bind ? opts->bind : "127.0.0.1";
    if (rc == CF_OK && opts->no_listen) {
        *out = m;
        return CF_OK;
    }
    if (rc == CF_OK)
        rc = resolve_bind(bind, opts->port, &addr, &addr_len, err, errlen);
    if (rc != CF_OK) {
        if (rc == CF_E_NOMEM && err[0] == '\0')
            snprintf(err, errlen, "out of memory");
        cf_mock_stop(m);
        return rc;
    }
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    unsigned conns = opts->max_connections ? opts->max_connections : CF_MOCK_DEFAULT_CONNECTIONS;
    unsigned timeout = opts->timeout_s ? opts->timeout_s : CF_MOCK_DEFAULT_TIMEOUT_S;
    m->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, conns, MHD_OPTION_CONNECTION_TIMEOUT,
        timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, (void *)m, MHD_OPTION_END);
    if (!m->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %u: %s", bind, opts->port,
                 errno ? strerror(errno) : "address in use or not permitted");
        cf_mock_stop(m);
        return CF_E_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    m->port = info ? info->port : opts->port;
    char host[64]; /* fits INET6_ADDRSTRLEN */
    if (getnameinfo((struct sockaddr *)&addr, addr_len, host, sizeof(host), NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(host, sizeof(host), "%s", bind);
    snprintf(m->url, sizeof(m->url), addr.ss_family == AF_INET6 ? "http://[%s]:%u" : "http://%s:%u",
             host, m->port);
    *out = m;
    return CF_OK;
}

unsigned cf_mock_port(const cf_mock *m)
{
    return m->port;
}

const char *cf_mock_url(const cf_mock *m)
{
    return m->url;
}

void cf_mock_stats_get(cf_mock *m, cf_mock_stats *out)
{
    pthread_mutex_lock(&m->lock);
    *out = m->stats;
    pthread_mutex_unlock(&m->lock);
}

void cf_mock_stop(cf_mock *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->wait_lock);
    m->stopping = 1;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->wait_lock);
    if (m->daemon)
        MHD_stop_daemon(m->daemon);
    cf_mock_store_free(m->store);
    for (size_t i = 0; i < m->cred_count; i++)
        free(m->creds[i]);
    free(m->creds);
    cf_redactor_cleanup(&m->redactor);
    free(m->callers);
    cf_bindings_cleanup(&m->vars);
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->wait_lock);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
