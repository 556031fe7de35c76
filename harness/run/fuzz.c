/* fuzz.c - the `conform fuzz` campaign loop over a contract's operations: setup steps first,
 * then each operation's generated requests, then mutants, operations taking turns; batches sent
 * at a capped rate with backoff on 429, response classes per operation steering what is kept to
 * mutate from. */
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
#include "run/fuzz_internal.h"

#define FZ_BATCH_PER_JOB 4u     /* requests prepared per batch, per --jobs */
#define FZ_BACKOFF_MIN_MS 250.0 /* first backoff after a 429 without Retry-After */

void cf_fuzz_opts_init(cf_fuzz_opts *o)
{
    memset(o, 0, sizeof(*o));
    cf_transport_opts_init(&o->transport);
    o->seed = 1;
    o->duration_s = 60;
}

typedef struct {
    fz f;
    size_t turn; /* the next operation's turn (round robin) */
    double t0;
    double deadline; /* monotonic ms; 0: none */
    double backoff_ms;
} campaign;

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

/* Remembers the class for the operation; 1 when it had not been seen. */
static int class_new(campaign *c, fz_op *op, uint64_t k)
{
    for (size_t i = 0; i < op->class_count; i++)
        if (op->classes[i] == k)
            return 0;
    if (op->class_count >= CF_FUZZ_CLASSES_MAX)
        return 0;
    /* Capacity is 16, then doubles each time the count reaches a power of two. */
    if (op->class_count == 0 ||
        (op->class_count >= 16 && (op->class_count & (op->class_count - 1)) == 0)) {
        uint64_t *n =
            realloc(op->classes, (op->class_count ? op->class_count * 2 : 16) * sizeof(*n));
        if (!n)
            return 0;
        op->classes = n;
    }
    op->classes[op->class_count++] = k;
    c->f.r->classes++;
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

/* What came back for one slot, in slot order: a 429 is queued again, anything else classed
 * (a new class keeps the input for mutation) and judged; a success (or a 5xx) of an operation
 * that uses up its setup's resource makes the setup run again. */
static cf_rc settle(campaign *c, fz_slot *s, double *wait_ms)
{
    fz_op *op = &c->f.ops[s->in.op];
    if (s->resp.status == 429) {
        c->f.r->throttled++;
        double ra = retry_after_ms(&s->resp);
        if (ra > *wait_ms)
            *wait_ms = ra;
        fz_input again = s->in;
        memset(&s->in, 0, sizeof(s->in));
        return fz_queue_push(op, &again);
    }
    c->f.current++;
    cf_rc rc = CF_OK;
    if (class_new(c, op, class_of(&s->resp)))
        rc = fz_pool_add(&c->f, op, &s->in);
    cf_run_result scratch = {0};
    cf_case_result *cr = rc == CF_OK ? cf_run_result_add_case(&scratch) : NULL;
    if (rc == CF_OK)
        rc = cr ? fz_judge(&c->f, s, cr) : CF_E_NOMEM;
    /* A 5xx may have come after the server used the resource up: its state is unknown. */
    if (rc == CF_OK && op->consumes_once &&
        (s->resp.envelope == CF_ENVELOPE_SUCCESS || s->resp.status >= 500))
        op->stale = 1;
    if (rc == CF_OK)
        rc = fz_findings_note(&c->f, s, cr);
    cf_run_result_cleanup(&scratch);
    return rc;
}

/* The operation whose turn it is and that has something to send, or -1. An operation that uses
 * up its setup's resource sends one request a batch (`used` marks those that did), after its
 * setup ran again when a success used it up. */
static cf_rc next_op(campaign *c, unsigned char *used, long *pick, char *err, size_t errlen)
{
    fz *f = &c->f;
    *pick = -1;
    for (size_t tries = 0; tries < f->plan.count; tries++) {
        size_t i = c->turn++ % f->plan.count;
        fz_op *op = &f->ops[i];
        if (op->dead || (op->consumes_once && used[i]))
            continue;
        if (op->qhead == op->qcount && !op->pool_count)
            continue;
        if (op->stale) {
            cf_rc rc = fz_setup(f, i, err, errlen);
            if (rc != CF_OK)
                return rc;
            if (op->dead)
                continue;
        }
        used[i] = 1;
        *pick = (long)i;
        return CF_OK;
    }
    return CF_OK;
}

/* Fills up to n slots, operations taking turns: each from its queue, then with mutants; builds
 * their requests. */
static cf_rc fill(campaign *c, fz_slot *slots, size_t n, size_t *filled, unsigned char *used,
                  int *idle, char *err, size_t errlen)
{
    fz *f = &c->f;
    *filled = 0;
    memset(used, 0, f->plan.count);
    for (size_t k = 0; k < n; k++) {
        long i;
        cf_rc rc = next_op(c, used, &i, err, errlen);
        *idle = k == 0 && i < 0;
        if (rc != CF_OK || i < 0)
            return rc;
        fz_op *op = &f->ops[i];
        fz_slot *s = &slots[*filled];
        memset(s, 0, sizeof(*s));
        if (op->qhead < op->qcount) {
            s->in = op->queue[op->qhead];
            memset(&op->queue[op->qhead++], 0, sizeof(fz_input));
            if (op->qhead == op->qcount)
                op->qhead = op->qcount = 0;
        } else {
            rc = fz_mutant(f, (size_t)i, &s->in);
        }
        if (rc == CF_OK && s->in.step)
            rc = fz_prepare(f, s);
        if (rc != CF_OK)
            return rc;
        if (s->built)
            (*filled)++;
        else
            fz_slot_cleanup(s);
    }
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

/* One batch: filled, paced, sent, settled in order. *idle: nothing was left to send. */
static cf_rc batch(campaign *c, fz_slot *slots, cf_exchange *ex, unsigned char *used, int *idle,
                   char *err, size_t errlen)
{
    size_t n = 0;
    cf_rc rc = fill(c, slots, batch_size(c), &n, used, idle, err, errlen);
    size_t before = c->f.r->requests; /* setup steps fill() ran included */
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
        if (rc == CF_OK && before == 0 && unreachable == n) {
            const char *why = slots[0].resp.transport_error;
            snprintf(err, errlen, "the target cannot be reached: %s", why);
            c->f.r->unreachable_why =
                cf_secrets_redact_dup(c->f.o->secrets, err, strlen(err), CF_ERR_MAX);
            rc = CF_E_TRANSPORT;
        }
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

/* Operation `i` of the plan, read for the campaign: its JSON body, whether a success uses up
 * what its setup made, its seeds. */
static cf_rc op_init(fz *f, size_t i)
{
    fz_op *op = &f->ops[i];
    op->po = &f->plan.ops[i];
    const cf_api_operation *o = op->po->op;
    const char *type = f->api->defaults.request_type;
    op->json = cf_api_media_find(o->bodies, o->body_count, type ? type : "application/json");
    for (size_t k = 0; k < o->mock.consume_count; k++)
        op->consumes_once |= o->mock.consumes[k].ends || o->mock.consumes[k].next_state;
    return fz_seed(f, i);
}

static void campaign_free(campaign *c)
{
    for (size_t i = 0; c->f.ops && i < c->f.plan.count; i++)
        fz_op_cleanup(&c->f.ops[i]);
    free(c->f.ops);
    fz_findings_free_keys(&c->f);
    cf_fuzz_plan_cleanup(&c->f.plan);
    cf_transport_free(c->f.t);
}

/* Every operation's setup, then batches until the end. */
static cf_rc loop(campaign *c, fz_slot *slots, cf_exchange *ex, unsigned char *used, char *err,
                  size_t errlen)
{
    const cf_fuzz_opts *o = c->f.o;
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < c->f.plan.count && !over(c); i++)
        if (c->f.ops[i].po->setup_count)
            rc = fz_setup(&c->f, i, err, errlen);
    int idle = 0;
    while (rc == CF_OK && !over(c) && !idle) {
        if (o->stop && *o->stop)
            return CF_E_INTERRUPTED;
        rc = batch(c, slots, ex, used, &idle, err, errlen);
        c->f.r->duration_ms = cf_time_mono_ms() - c->t0;
        if (o->progress)
            o->progress(o->progress_user, c->f.r);
    }
    return rc;
}

cf_rc cf_fuzz_run(const cf_api *api, const cf_fuzz_opts *opts, cf_fuzz_result *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!opts->base_url) {
        snprintf(err, errlen, "no target URL");
        return CF_E_USAGE;
    }
    campaign c;
    memset(&c, 0, sizeof(c));
    c.f = (fz){.api = api, .o = opts, .r = out};
    cf_rng_seed(&c.f.rng, opts->seed);
    cf_uuid_v4(c.f.nonce);
    size_t cap = (size_t)(opts->transport.jobs ? opts->transport.jobs : 1) * FZ_BATCH_PER_JOB;
    fz_slot *slots = calloc(cap, sizeof(*slots));
    cf_exchange *ex = calloc(cap, sizeof(*ex));
    unsigned char *used = NULL;
    cf_rc rc = slots && ex ? cf_fuzz_plan_build(api, opts->seed, &c.f.plan) : CF_E_NOMEM;
    if (rc == CF_OK && !c.f.plan.count) {
        snprintf(err, errlen, "no operation of the contract has a request to start from");
        rc = CF_E_USAGE;
    }
    if (rc == CF_OK) {
        c.f.ops = calloc(c.f.plan.count, sizeof(*c.f.ops));
        used = calloc(c.f.plan.count, 1);
        rc = c.f.ops && used ? cf_transport_new(&opts->transport, &c.f.t) : CF_E_NOMEM;
    }
    for (size_t i = 0; rc == CF_OK && i < c.f.plan.count; i++)
        rc = op_init(&c.f, i);
    out->operations = c.f.plan.count;
    c.t0 = c.f.t0 = cf_time_mono_ms();
    c.deadline = opts->duration_s > 0 ? c.t0 + opts->duration_s * 1000.0 : 0;
    if (rc == CF_OK)
        rc = loop(&c, slots, ex, used, err, errlen);
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
    free(used);
    return rc;
}
