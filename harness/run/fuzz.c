/* fuzz.c - the `conform fuzz` campaign loop: seeds from the generator, mutants of a pool of
 * bodies, batches sent at a capped rate with backoff on 429, response classes steering what is
 * kept in the pool. */
#include "run/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "gen/gen.h"
#include "gen/mutate.h"
#include "contract/v1_api.h"
#include "run/fuzz_internal.h"

#define FZ_BATCH_PER_JOB 4u     /* requests prepared per batch, per --jobs */
#define FZ_BACKOFF_MIN_MS 250.0 /* first backoff after a 429 without Retry-After */
#define FZ_ORIGIN_MAX 160u      /* bytes of a parent's origin kept in a mutant's */
#define FZ_MUTATE_TRIES 8u      /* draws before a batch slot is left empty */

void cf_fuzz_opts_init(cf_fuzz_opts *o)
{
    memset(o, 0, sizeof(*o));
    cf_transport_opts_init(&o->transport);
    o->seed = 1;
    o->duration_s = 60;
}

typedef struct {
    fz f;
    fz_input *queue; /* sent before any mutant: generator seeds, then 429 resends */
    size_t qhead;
    size_t qcount;
    size_t qcap;
    fz_input *pool; /* bodies mutated from */
    size_t pool_count;
    uint64_t *classes;
    size_t class_count;
    double t0;
    double deadline; /* monotonic ms; 0: none */
    double backoff_ms;
} campaign;

static cf_rc queue_push(campaign *c, fz_input *in)
{
    if (c->qcount == c->qcap) {
        size_t cap = c->qcap ? c->qcap * 2 : 64;
        fz_input *q = realloc(c->queue, cap * sizeof(*q));
        if (!q)
            return CF_E_NOMEM;
        c->queue = q;
        c->qcap = cap;
    }
    c->queue[c->qcount++] = *in;
    memset(in, 0, sizeof(*in));
    return CF_OK;
}

/* Raw body text as a case's raw_body template: a literal '{' is written "{{", except in the
 * {$token} placeholders, which stay live so every resend carries a fresh token. NULL when the
 * bytes hold a NUL (a template is a C string) or memory ran out. */
static char *raw_template(const char *raw, size_t len)
{
    if (memchr(raw, '\0', len))
        return NULL;
    cf_buf b;
    cf_buf_init(&b, 2 * len + 1);
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < len && rc == CF_OK; i++) {
        if (raw[i] == '{' && strncmp(raw + i, "{$token", 7) != 0)
            rc = cf_buf_addc(&b, '{');
        if (rc == CF_OK)
            rc = cf_buf_addc(&b, raw[i]);
    }
    char *out = rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
    return out;
}

/* A generated body keeps a fresh {$token} unless the item is about the token itself. */
static cf_rc fresh_token(const cf_spec *spec, const char *item, cJSON *body)
{
    const char *tok = spec->idem.enabled ? spec->idem.token : NULL;
    if (!tok || tok[0] != '/' || !cJSON_IsObject(body) || !cf_json_pointer(body, tok))
        return CF_OK;
    size_t n = strlen(tok + 1);
    if (strncmp(item, tok + 1, n) == 0 && (item[n] == '.' || item[n] == '\0'))
        return CF_OK;
    cJSON *v = cJSON_CreateString("{$token}");
    return v ? cf_json_pointer_set(body, tok, v) : CF_E_NOMEM;
}

static cf_rc pool_add(campaign *c, const fz_input *in);

/* The seeds: the example, then every body item the generator derives from the schema
 * (positive, boundary and negative, malformed JSON included), in the generator's order. */
static cf_rc seed_queue(campaign *c)
{
    const cf_spec *spec = c->f.spec;
    fz_input in = {cJSON_Duplicate(spec->op.example, 1), NULL, cf_strdup("example")};
    cf_rc rc = in.body && in.origin ? queue_push(c, &in) : CF_E_NOMEM;
    fz_input_cleanup(&in);
    if (rc != CF_OK || !spec->op.body_schema)
        return rc;
    cf_gen_list l = {0};
    cf_gen_request req = {spec->op.body_schema, NULL, 0};
    cf_gen_options go = {.seed = c->f.o->seed, .direction = CF_SCHEMA_REQUEST};
    rc = cf_gen_request_items(&req, &go, &l);
    for (size_t i = 0; rc == CF_OK && i < l.count; i++) {
        const cf_gen_item *it = &l.items[i];
        if (it->in != CF_GEN_IN_BODY || it->absent)
            continue;
        memset(&in, 0, sizeof(in));
        cf_buf o;
        cf_buf_init(&o, 512);
        rc = cf_buf_addf(&o, "gen:%s", it->name);
        in.origin = rc == CF_OK ? cf_buf_take(&o) : NULL;
        cf_buf_free(&o);
        if (it->raw)
            in.raw = raw_template(it->raw, it->raw_len);
        else if (it->value && (in.body = cJSON_Duplicate(it->value, 1)) != NULL)
            rc = fresh_token(spec, it->name, in.body);
        /* Valid bodies are mutated from as well: odd-but-valid values combine with others. */
        if (rc == CF_OK && in.origin && in.body && it->valid)
            rc = pool_add(c, &in);
        if (rc == CF_OK && in.origin && (in.raw || in.body))
            rc = queue_push(c, &in);
        fz_input_cleanup(&in);
    }
    cf_gen_list_cleanup(&l);
    return rc;
}

/* A new mutant of a pool body, or CF_OK with nothing in *out when every draw failed. */
static cf_rc mutant(campaign *c, fz_input *out)
{
    memset(out, 0, sizeof(*out));
    cf_mutate_options mo = {c->f.spec->op.body_schema, NULL, CF_MAX_REQUEST_BODY / 4};
    for (unsigned tries = 0; tries < FZ_MUTATE_TRIES; tries++) {
        const fz_input *parent = &c->pool[cf_rng_below(&c->f.rng, c->pool_count)];
        cf_mutation m;
        cf_rc rc = cf_mutate(parent->body, &mo, &c->f.rng, &m);
        if (rc == CF_E_NOMEM)
            return rc;
        if (rc != CF_OK)
            continue;
        cf_buf o;
        cf_buf_init(&o, 4096);
        rc = cf_buf_addf(&o, "%s %s%s%.*s", cf_mutator_name(m.op), m.where[0] ? m.where : "(body)",
                         strcmp(parent->origin, "example") ? " of " : "", (int)FZ_ORIGIN_MAX,
                         strcmp(parent->origin, "example") ? parent->origin : "");
        out->origin = rc == CF_OK ? cf_buf_take(&o) : NULL;
        cf_buf_free(&o);
        if (m.value) {
            out->body = m.value;
            m.value = NULL;
        } else if (m.raw) {
            out->raw = raw_template(m.raw, m.raw_len);
        }
        cf_mutation_cleanup(&m);
        if (out->origin && (out->body || out->raw))
            return CF_OK;
        fz_input_cleanup(out);
    }
    return CF_OK;
}

/* A response's class: status, error code, envelope, the body's top-level shape and the
 * header names seen (FNV-1a); values are left out, they change every time. */
static uint64_t class_of(const cf_response *r)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(byte) (h = (h ^ (unsigned char)(byte)) * 1099511628211ull)
    char head[64];
    snprintf(head, sizeof(head), "%ld|%d|%d|", r->status, (int)r->envelope,
             r->json ? (int)(r->json->type & 0xFF) : -1);
    for (const char *p = head; *p; p++)
        MIX(*p);
    const char *code = r->error_code_owned ? r->error_code_owned : r->error_code;
    for (const char *p = code ? code : ""; *p; p++)
        MIX(*p);
    MIX('|');
    for (const cJSON *m = cJSON_IsObject(r->json) ? r->json->child : NULL; m; m = m->next) {
        for (const char *p = m->string ? m->string : ""; *p; p++)
            MIX(*p);
        MIX(',');
    }
    MIX('|');
    for (size_t i = 0; i < r->headers.count; i++) {
        for (const char *p = r->headers.items[i].name; *p; p++)
            MIX(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        MIX(',');
    }
#undef MIX
    return h;
}

/* Remembers the class; 1 when it had not been seen. */
static int class_new(campaign *c, uint64_t k)
{
    for (size_t i = 0; i < c->class_count; i++)
        if (c->classes[i] == k)
            return 0;
    if (c->class_count >= CF_FUZZ_CLASSES_MAX)
        return 0;
    /* Capacity is 16, then doubles each time the count reaches a power of two. */
    if (c->class_count == 0 ||
        (c->class_count >= 16 && (c->class_count & (c->class_count - 1)) == 0)) {
        uint64_t *n = realloc(c->classes, (c->class_count ? c->class_count * 2 : 16) * sizeof(*n));
        if (!n)
            return 0;
        c->classes = n;
    }
    c->classes[c->class_count++] = k;
    c->f.r->classes = c->class_count;
    return 1;
}

/* Sleeps `ms`, in slices, until a stop or the deadline. */
static void pause_ms(campaign *c, double ms)
{
    double until = cf_time_mono_ms() + ms;
    for (double now = cf_time_mono_ms(); now < until; now = cf_time_mono_ms()) {
        if ((c->f.o->stop && *c->f.o->stop) || (c->deadline > 0 && now >= c->deadline))
            return;
        double left = until - now > 50 ? 50 : until - now;
        struct timespec ts = {0, (long)(left * 1e6)};
        nanosleep(&ts, NULL);
    }
}

/* A 429's Retry-After in seconds (delta form), capped; 0 when absent or a date. */
static double retry_after_ms(const cf_response *r)
{
    const char *v = cf_headers_get(&r->headers, "Retry-After");
    if (!v || *v < '0' || *v > '9')
        return 0;
    unsigned long s = strtoul(v, NULL, 10);
    return (double)(s > CF_FUZZ_RETRY_AFTER_MAX_S ? CF_FUZZ_RETRY_AFTER_MAX_S : s) * 1000.0;
}

static cf_rc pool_add(campaign *c, const fz_input *in)
{
    if (!in->body || c->pool_count >= CF_FUZZ_POOL_MAX)
        return CF_OK;
    cf_rc rc = fz_input_copy(in, &c->pool[c->pool_count]);
    if (rc == CF_OK)
        c->f.r->pool = ++c->pool_count;
    return rc;
}

/* What came back for one slot, in slot order: a 429 is queued again, anything else classed
 * (a new class keeps the body for mutation) and judged. */
static cf_rc settle(campaign *c, fz_slot *s, double *wait_ms)
{
    if (s->resp.status == 429) {
        c->f.r->throttled++;
        double ra = retry_after_ms(&s->resp);
        if (ra > *wait_ms)
            *wait_ms = ra;
        fz_input again = s->in;
        memset(&s->in, 0, sizeof(s->in));
        return queue_push(c, &again);
    }
    c->f.current++;
    cf_rc rc = CF_OK;
    if (class_new(c, class_of(&s->resp)))
        rc = pool_add(c, &s->in);
    cf_run_result scratch = {0};
    cf_case_result *cr = rc == CF_OK ? cf_run_result_add_case(&scratch) : NULL;
    if (rc == CF_OK)
        rc = cr ? fz_judge(&c->f, s, cr) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = fz_findings_note(&c->f, s, cr);
    cf_run_result_cleanup(&scratch);
    return rc;
}

/* Fills up to n slots from the queue, then with mutants, and builds their requests. */
static cf_rc fill(campaign *c, fz_slot *slots, size_t n, size_t *filled)
{
    *filled = 0;
    for (size_t i = 0; i < n; i++) {
        fz_slot *s = &slots[*filled];
        memset(s, 0, sizeof(*s));
        cf_rc rc = CF_OK;
        if (c->qhead < c->qcount) {
            s->in = c->queue[c->qhead];
            memset(&c->queue[c->qhead++], 0, sizeof(fz_input));
        } else {
            rc = mutant(c, &s->in);
        }
        if (rc == CF_OK && (s->in.body || s->in.raw))
            rc = fz_prepare(&c->f, s);
        if (rc != CF_OK)
            return rc;
        if (s->built)
            (*filled)++;
        else
            fz_slot_cleanup(s);
    }
    if (c->qhead == c->qcount)
        c->qhead = c->qcount = 0;
    return CF_OK;
}

/* Waits until sending n more keeps the rate at or under --rate. */
static void pace(campaign *c, size_t n)
{
    double rate = c->f.o->rate;
    if (rate <= 0)
        return;
    double due = c->t0 + (double)(c->f.r->requests + n - 1) / rate * 1000.0;
    double now = cf_time_mono_ms();
    if (due > now)
        pause_ms(c, due - now);
}

static size_t batch_size(const campaign *c)
{
    const cf_fuzz_opts *o = c->f.o;
    size_t n = (size_t)(o->transport.jobs ? o->transport.jobs : 1) * FZ_BATCH_PER_JOB;
    if (o->rate > 0 && (double)n > o->rate)
        n = o->rate >= 1 ? (size_t)o->rate : 1;
    if (o->max_requests && o->max_requests - c->f.r->requests < n)
        n = o->max_requests - c->f.r->requests;
    return n;
}

static int over(const campaign *c)
{
    const cf_fuzz_opts *o = c->f.o;
    return (o->max_requests && c->f.r->requests >= o->max_requests) ||
           (c->deadline > 0 && cf_time_mono_ms() >= c->deadline);
}

/* One batch: filled, paced, sent, settled in order. *first: no batch reached the target yet. */
static cf_rc batch(campaign *c, fz_slot *slots, cf_exchange *ex, int *first, char *err,
                   size_t errlen)
{
    size_t n = 0;
    cf_rc rc = fill(c, slots, batch_size(c), &n);
    if (rc == CF_OK && n) {
        pace(c, n);
        for (size_t i = 0; i < n; i++)
            ex[i] = (cf_exchange){&slots[i].req, &slots[i].resp, 0, 0};
        rc = cf_transport_perform(c->f.t, ex, n, c->f.o->stop);
        c->f.r->requests += n;
        int64_t now = cf_time_now_ms();
        size_t unreachable = 0;
        for (size_t i = 0; i < n; i++) {
            slots[i].received_ms = now;
            unreachable += (size_t)slots[i].resp.unreachable;
        }
        if (rc == CF_OK && *first && unreachable == n) {
            const char *why = slots[0].resp.transport_error;
            snprintf(err, errlen, "the target cannot be reached: %s", why);
            c->f.r->unreachable_why =
                cf_secrets_redact_dup(c->f.o->secrets, err, strlen(err), CF_ERR_MAX);
            rc = CF_E_TRANSPORT;
        }
        *first = 0;
        double wait_ms = 0;
        int throttled = 0;
        for (size_t i = 0; rc == CF_OK && i < n; i++) {
            throttled |= slots[i].resp.status == 429;
            rc = settle(c, &slots[i], &wait_ms);
        }
        if (rc == CF_OK && throttled) {
            c->backoff_ms = c->backoff_ms > 0 ? c->backoff_ms * 2 : FZ_BACKOFF_MIN_MS;
            if (c->backoff_ms > CF_FUZZ_BACKOFF_MAX_MS)
                c->backoff_ms = CF_FUZZ_BACKOFF_MAX_MS;
            pause_ms(c, wait_ms > 0 ? wait_ms : c->backoff_ms);
        } else if (rc == CF_OK) {
            c->backoff_ms = 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        fz_slot_cleanup(&slots[i]);
    return rc;
}

static void campaign_free(campaign *c)
{
    for (size_t i = c->qhead; i < c->qcount; i++)
        fz_input_cleanup(&c->queue[i]);
    free(c->queue);
    for (size_t i = 0; i < c->pool_count; i++)
        fz_input_cleanup(&c->pool[i]);
    free(c->pool);
    free(c->classes);
    fz_findings_free_keys(&c->f);
    cf_transport_free(c->f.t);
    cf_api_free(c->f.api);
}

cf_rc cf_fuzz_run(const cf_spec *spec, const cf_fuzz_opts *opts, cf_fuzz_result *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!opts->base_url || !spec->op.example) {
        snprintf(err, errlen, "%s",
                 !opts->base_url ? "no target URL"
                                 : "the operation has no example body to start from");
        return CF_E_USAGE;
    }
    campaign c;
    memset(&c, 0, sizeof(c));
    c.f = (fz){.spec = spec, .o = opts, .r = out};
    cf_rng_seed(&c.f.rng, opts->seed);
    cf_uuid_v4(c.f.nonce);
    size_t cap = (size_t)(opts->transport.jobs ? opts->transport.jobs : 1) * FZ_BATCH_PER_JOB;
    fz_slot *slots = calloc(cap, sizeof(*slots));
    cf_exchange *ex = calloc(cap, sizeof(*ex));
    c.pool = calloc(CF_FUZZ_POOL_MAX, sizeof(*c.pool));
    cf_rc rc = slots && ex && c.pool ? cf_transport_new(&opts->transport, &c.f.t) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = cf_api_from_spec(spec, &c.f.api);
    fz_input ex0 = {cJSON_Duplicate(spec->op.example, 1), NULL, cf_strdup("example")};
    if (rc == CF_OK)
        rc = ex0.body && ex0.origin ? pool_add(&c, &ex0) : CF_E_NOMEM;
    fz_input_cleanup(&ex0);
    if (rc == CF_OK)
        rc = seed_queue(&c);
    c.t0 = cf_time_mono_ms();
    c.deadline = opts->duration_s > 0 ? c.t0 + opts->duration_s * 1000.0 : 0;
    int first = 1;
    while (rc == CF_OK && !over(&c)) {
        if (opts->stop && *opts->stop) {
            rc = CF_E_INTERRUPTED;
            break;
        }
        rc = batch(&c, slots, ex, &first, err, errlen);
        out->duration_ms = cf_time_mono_ms() - c.t0;
        if (opts->progress)
            opts->progress(opts->progress_user, out);
    }
    out->duration_ms = cf_time_mono_ms() - c.t0;
    if (rc == CF_E_INTERRUPTED) {
        out->interrupted = 1;
        snprintf(err, errlen, "interrupted");
    } else if (rc == CF_E_NOMEM) {
        snprintf(err, errlen, "out of memory");
    }
    campaign_free(&c);
    free(slots);
    free(ex);
    return rc;
}
