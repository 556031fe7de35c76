/* decide.c - the mock's judgement of a request, in contract order: authentication, throttle,
 * validation, error-rate, idempotency and quota. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "mock/internal.h"
#include "contract/schema.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/uuid.h"

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

/* No secret of the mock and no presented credential survives (cf_secrets_with_credential: the
 * rule the runner's records follow too), no control character, cut on a UTF-8 boundary. */
void cf_mock_message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                         const char *fmt, ...)
{
    /* Whole text first, then redaction, then the cut: a secret cut first would survive as a
     * prefix no redaction recognises. */
    cf_buf raw, clean;
    cf_buf_init(&raw, 256u * 1024u);
    cf_buf_init(&clean, 1024u * 1024u);
    va_list ap;
    va_start(ap, fmt);
    cf_rc rc = cf_buf_vaddf(&raw, fmt, ap);
    va_end(ap);
    cf_secrets cred;
    cf_rc made = cf_secrets_with_credential(&m->secrets, presented, presented_len, &cred);
    if (rc == CF_OK)
        rc = made;
    if (rc == CF_OK)
        rc = cf_secrets_redact(&cred, cf_buf_str(&raw), raw.len, &clean);
    const char *text = rc == CF_OK ? cf_buf_str(&clean) : "invalid request";
    size_t len = 0;
    for (; text[len] && len < CF_MAX_MOCK_MESSAGE; len++) {
        unsigned char c = (unsigned char)text[len];
        o->message[len] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (text[len]) /* cut on a UTF-8 boundary */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    o->message[len] = '\0';
    cf_secrets_cleanup(&cred);
    cf_buf_free(&raw);
    cf_buf_free(&clean);
}

static void set_error(const cf_mock *m, outcome *o, const char *code)
{
    o->code = code;
    int status = cf_spec_code_status(m->spec, code);
    o->status = status > 0 ? status : 500;
}

const char *cf_mock_role_code(const cf_mock *m, cf_role role)
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
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_AUTH));
        cf_mock_message_set(m, o, NULL, 0, "missing credential: send the %s header", hdr);
        return -1;
    }
    *presented = value;
    *presented_len = len;
    if (header_count(h, hdr) > 1) {
        /* Two credentials are ambiguous: a proxy and the service might each pick another. */
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_AUTH));
        cf_mock_message_set(m, o, NULL, 0, "send exactly one %s header", hdr);
        return -1;
    }
    if (len == 0) {
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_AUTH));
        cf_mock_message_set(m, o, NULL, 0, "the %s header is empty", hdr);
        return -1;
    }
    for (size_t i = 0; i < m->cred_count; i++)
        if (m->creds[i] && same_secret(m->creds[i], value, len))
            return (long)i;
    set_error(m, o, cf_mock_role_code(m, CF_ROLE_AUTH));
    cf_mock_message_set(m, o, NULL, 0, "the credential in the %s header is not accepted", hdr);
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
    const char *vcode = cf_mock_role_code(m, CF_ROLE_VALIDATION);
    if (r->too_large) {
        set_error(m, o, vcode);
        cf_mock_message_set(m, o, NULL, 0, "request body too large: the limit is %u bytes",
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
                cf_mock_message_set(m, o, NULL, 0, "missing content-type: send %s",
                                    spec->op.content_types[0]);
            else
                cf_mock_message_set(m, o, presented, presented_len,
                                    "unsupported content-type '%s': send %s", ct,
                                    spec->op.content_types[0]);
            return NULL;
        }
    }
    if (r->body_len == 0) {
        set_error(m, o, vcode);
        cf_mock_message_set(m, o, NULL, 0, "the request body is empty: send a JSON object");
        return NULL;
    }
    cJSON *json = NULL;
    size_t offset = 0;
    cf_rc rc = cf_json_parse(r->body, r->body_len, CF_MAX_JSON_DEPTH, &json, &offset);
    if (rc == CF_E_TOO_DEEP) {
        set_error(m, o, vcode);
        cf_mock_message_set(m, o, NULL, 0, "the request body nests deeper than %d levels",
                            CF_MAX_JSON_DEPTH);
        return NULL;
    }
    if (rc != CF_OK) {
        set_error(m, o, vcode);
        if (rc == CF_E_NOMEM) {
            set_error(m, o, cf_mock_role_code(m, CF_ROLE_INTERNAL));
            cf_mock_message_set(m, o, NULL, 0, "out of memory");
        } else {
            cf_mock_message_set(m, o, NULL, 0, "the request body is not valid JSON (at byte %zu)",
                                offset);
        }
        return NULL;
    }
    if (!cJSON_IsObject(json)) {
        set_error(m, o, vcode);
        cf_mock_message_set(m, o, NULL, 0, "the request body must be a JSON object, not %s",
                            json_kind(json));
        cJSON_Delete(json);
        return NULL;
    }
    if (spec->op.body_compiled) {
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_check(spec->op.body_compiled, json, CF_SCHEMA_REQUEST, "", &d);
        if (n > 0) {
            set_error(m, o, vcode);
            if (d.count > 0) {
                const cf_diag *first = &d.items[0];
                cf_mock_message_set(m, o, presented, presented_len, "invalid request: %s%s%s%s",
                                    first->path[0] ? first->path : "", first->path[0] ? ": " : "",
                                    first->message, n > 1 ? " (and more)" : "");
            } else {
                cf_mock_message_set(m, o, NULL, 0, "invalid request");
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
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_INTERNAL));
        cf_mock_message_set(m, o, NULL, 0, "out of memory");
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
                                           : cf_mock_role_code(m, CF_ROLE_VALIDATION));
        cf_mock_message_set(m, o, NULL, 0,
                            "the idempotency token %s was already used with a different %s",
                            spec->idem.token, what);
    } else if (e) {
        memcpy(o->id, e->id, sizeof(o->id));
        o->created_ms = e->created_ms;
        o->status = spec->resp.success_status;
    } else if (m->faults.quota_set && m->callers[caller].created >= m->faults.quota) {
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_QUOTA));
        cf_mock_message_set(m, o, NULL, 0, "quota exceeded: each caller may create %lu",
                            m->faults.quota);
    } else if (token && cf_mock_store_add(m->store, caller, token, cf_buf_str(&params), id, now_ms,
                                          now) != CF_OK) {
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_INTERNAL));
        cf_mock_message_set(m, o, NULL, 0, "out of memory");
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
void cf_mock_decide(cf_mock *m, const incoming *r, outcome *o, cJSON **json)
{
    const char *presented = NULL;
    size_t presented_len = 0;
    *json = NULL;
    if (r->nomem) {
        set_error(m, o, cf_mock_role_code(m, CF_ROLE_INTERNAL));
        cf_mock_message_set(m, o, NULL, 0, "out of memory");
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
            set_error(m, o, cf_mock_role_code(m, CF_ROLE_THROTTLE));
            cf_mock_message_set(m, o, NULL, 0, "rate exceeded: at most %g requests per second",
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
            cf_mock_message_set(m, o, NULL, 0, "injected fault (error-rate %g)",
                                m->faults.error_rate);
            return;
        }
    }
    create_or_replay(m, (size_t)caller, *json, o);
}
