/* runner.c - runs cases: builds each step's requests, sends them in batches through the
 * transport, judges the responses and moves scenarios on step by step. */
#include "run/runner.h"
#include "base/str.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/shell.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "check/checks.h"
#include "check/coverage.h"
#include "check/record.h"

#define BATCH_MIN 64u
#define ERROR_CODE_MAX 256u /* bytes of a response's error code kept for grouping */

void cf_run_opts_init(cf_run_opts *o)
{
    memset(o, 0, sizeof(*o));
    cf_transport_opts_init(&o->transport);
}

static uint32_t fnv1a(const char *s, uint32_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int cf_run_selects(const cf_run_opts *o, const cf_case *c, size_t index)
{
    (void)index;
    if (!c->id)
        return 0;
    if (o->filter && fnmatch(o->filter, c->id, 0) != 0)
        return 0;
    if (o->tag_count) {
        int any = 0;
        for (size_t i = 0; i < o->tag_count && !any; i++)
            for (size_t t = 0; t < c->tag_count && !any; t++)
                any = strcmp(o->tags[i], c->tags[t]) == 0;
        if (!any)
            return 0;
    }
    /* Sharding by a hash of the id: stable when cases are added or reordered. */
    if (o->shard_n > 1 && fnv1a(c->id, 2166136261u) % o->shard_n != o->shard_k - 1)
        return 0;
    return 1;
}

/* Per-case progress through its steps. */
typedef struct {
    const cf_case *c;
    size_t result_index;
    size_t step; /* next step to run */
    int done;
    cf_bindings captures; /* {@name} */
    cf_bindings tokens;   /* {$token:label} -> value, fixed for the case */
    double started;
} case_state;

/* Everything one spec's run shares. */
typedef struct {
    const cf_spec *spec;
    const cf_run_opts *opts;
    cf_run_result *result;
    const cf_secrets *secrets; /* the spec's variables and what to mask */
    const char *base_url;
    char *unreachable_why; /* curl's words for the first exchange that never reached the target */
} run_ctx;

typedef struct {
    case_state *cs;
} gen_user;

static cf_rc runner_generator(void *user, const char *name, const char *arg, cf_buf *out)
{
    case_state *cs = user;
    if (strcmp(name, "token") != 0)
        return CF_E_NOT_FOUND;
    const char *label = arg[0] ? arg : "default";
    const char *have = cf_bindings_get(&cs->tokens, label);
    if (!have) {
        char token[64];
        char id[37];
        cf_uuid_v4(id);
        snprintf(token, sizeof(token), "conform-%s", id);
        cf_rc rc = cf_bindings_set(&cs->tokens, label, token, 0);
        if (rc != CF_OK)
            return rc;
        have = cf_bindings_get(&cs->tokens, label);
    }
    return cf_buf_adds(out, have);
}

/* One request in flight: which case and step it serves. */
typedef struct {
    case_state *cs;
    const cf_step *step;
    unsigned copy; /* 0-based copy of a parallel step */
    cf_request request;
    cf_response response;
    int built;
    int64_t received_ms;
} slot;

static cf_case_result *result_of(run_ctx *rc, case_state *cs)
{
    return &rc->result->cases[cs->result_index];
}

static void step_label(const case_state *cs, const slot *s, char *out, size_t n)
{
    if (s->step->parallel > 1)
        snprintf(out, n, "%s#%u", s->step->name ? s->step->name : "?", s->copy + 1);
    else
        snprintf(out, n, "%s", s->step->name ? s->step->name : (cs->c->id ? cs->c->id : "?"));
}

static cf_rc build_slot(run_ctx *rc, slot *s)
{
    cf_tmpl_ctx ctx = {cf_secrets_vars(rc->secrets), &s->cs->captures, runner_generator, s->cs};
    char err[CF_ERR_MAX] = "";
    cf_rc r =
        cf_request_build(rc->spec, s->step, rc->base_url, &ctx, &s->request, err, sizeof(err));
    if (r == CF_E_NOMEM)
        return r;
    if (r != CF_OK) {
        char label[160];
        step_label(s->cs, s, label, sizeof(label));
        char *text = cf_secrets_redact_dup(rc->secrets, err, strlen(err), 4096);
        cf_rc a = cf_case_add_check(result_of(rc, s->cs), "request.build", 0, label,
                                    "a request the case can describe", text ? text : err);
        free(text);
        s->cs->done = 1;
        return a;
    }
    s->built = 1;
    return CF_OK;
}

/* Records captures of a step from its first successful copy. */
static cf_rc capture(run_ctx *rc, slot *s)
{
    (void)rc;
    for (const cJSON *m = s->step->capture ? s->step->capture->child : NULL; m; m = m->next) {
        if (cf_bindings_get(&s->cs->captures, m->string))
            continue;
        char *value = NULL;
        if (strncmp(m->valuestring, "header:", 7) == 0) {
            const char *h = cf_headers_get(&s->response.headers, m->valuestring + 7);
            value = h ? cf_strdup(h) : NULL;
        } else {
            value = cf_checks_value_text(s->response.json, m->valuestring);
        }
        if (!value)
            continue; /* an expectation that uses it will fail and say so */
        cf_rc r = cf_bindings_set(&s->cs->captures, m->string, value, 0);
        free(value);
        if (r != CF_OK)
            return r;
    }
    return CF_OK;
}

/* What reports group and count by: the error code the response carried (redacted: it is the
 * server's text) and the contract items it exercised. */
static cf_rc note_exchange(cf_exchange_record *e, const cf_spec *spec, const cf_response *resp,
                           const cf_secrets *red)
{
    const char *code = resp->error_code_owned ? resp->error_code_owned : resp->error_code;
    if (code && !(e->error_code = cf_secrets_redact_dup(red, code, strlen(code), ERROR_CODE_MAX)))
        return CF_E_NOMEM;
    cf_buf cov;
    cf_buf_init(&cov, CF_COVERAGE_MAX);
    cf_rc r = cf_coverage_observe(spec, resp, &cov);
    e->covered = cf_buf_take(&cov);
    /* Past CF_COVERAGE_MAX this response counts for nothing; the run goes on. */
    return r == CF_E_TOO_LARGE ? CF_OK : r;
}

/* curl + " " + flags (NULL: curl as it is); frees curl, NULL when out of memory. */
static char *with_flags(char *curl, const char *flags)
{
    if (!curl || !flags || !*flags)
        return curl;
    cf_buf b;
    cf_buf_init(&b, CF_RERUN_MAX + strlen(curl));
    char *out = cf_buf_addf(&b, "%s %s", curl, flags) == CF_OK ? cf_buf_take(&b) : NULL;
    free(curl);
    return out;
}

static cf_rc judge_slot(run_ctx *rc, slot *s)
{
    cf_case_result *res = result_of(rc, s->cs);
    char label[160];
    step_label(s->cs, s, label, sizeof(label));
    rc->result->requests++;
    cf_response_finish(&s->response, rc->spec);
    /* Everything recorded about this exchange masks the credential it carried, too. */
    cf_secrets own;
    const char *cred = rc->spec->op.auth_header
                           ? cf_headers_get(&s->request.headers, rc->spec->op.auth_header)
                           : NULL;
    cf_rc r = cf_secrets_with_credential(rc->secrets, cred, cred ? strlen(cred) : 0, &own);
    if (r != CF_OK)
        return r;
    const cf_secrets *red = &own;
    if (s->response.unreachable && !rc->unreachable_why) {
        /* The reason comes from the response's fields, never back out of the record's text. */
        cf_buf why;
        cf_buf_init(&why, 1024);
        r = cf_buf_adds(&why, "(no response: ");
        if (r == CF_OK)
            r = cf_secrets_redact(red, s->response.transport_error,
                                  strlen(s->response.transport_error), &why);
        if (r == CF_OK)
            r = cf_buf_addc(&why, ')');
        rc->unreachable_why = r == CF_OK ? cf_buf_take(&why) : NULL;
        cf_buf_free(&why);
        if (!rc->unreachable_why) {
            r = CF_E_NOMEM;
            goto out;
        }
    }
    char *req = cf_record_request(rc->spec, &s->request, red);
    char *resp = cf_record_response(&s->response, red);
    char *curl = with_flags(cf_record_curl(rc->spec, &s->request, red), rc->opts->curl_flags);
    char *lab = cf_strdup(label);
    if (!req || !resp || !curl || !lab) {
        free(req);
        free(resp);
        free(curl);
        free(lab);
        r = CF_E_NOMEM;
        goto out;
    }
    r = cf_case_add_exchange(res, lab, req, resp, curl, s->response.status, s->response.elapsed_ms);
    if (r == CF_OK)
        res->exchanges[res->exchange_count - 1].unreachable = s->response.unreachable;
    if (r == CF_OK)
        r = note_exchange(&res->exchanges[res->exchange_count - 1], rc->spec, &s->response, red);
    if (r != CF_OK)
        goto out;
    cf_tmpl_ctx ctx = {cf_secrets_vars(rc->secrets), &s->cs->captures, runner_generator, s->cs};
    cf_check_input in = {rc->spec, s->step, &s->request, &s->response,
                         red,      &ctx,    label,       s->received_ms};
    r = cf_checks_run(&in, res);
    if (r == CF_OK && s->response.envelope == CF_ENVELOPE_SUCCESS)
        r = capture(rc, s);
out:
    cf_secrets_cleanup(&own);
    return r;
}

/* Runs one batch: the next step of each case in `states` that is not done. */
static cf_rc run_batch(run_ctx *rc, cf_transport *t, case_state **states, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += states[i]->c->steps[states[i]->step].parallel;
    slot *slots = calloc(total ? total : 1, sizeof(*slots));
    cf_exchange *ex = calloc(total ? total : 1, sizeof(*ex));
    cf_rc r = CF_OK;
    size_t used = 0;
    if (!slots || !ex) {
        r = CF_E_NOMEM;
        goto out;
    }
    size_t bytes = 0; /* request bodies built so far: a batch holds them all at once */
    for (size_t i = 0; i < n && r == CF_OK; i++) {
        const cf_step *st = &states[i]->c->steps[states[i]->step];
        for (unsigned k = 0; k < st->parallel && r == CF_OK && !states[i]->done; k++) {
            slot *s = &slots[used++];
            s->cs = states[i];
            s->step = st;
            s->copy = k;
            cf_response_init(&s->response, rc->opts->transport.max_body);
            r = build_slot(rc, s);
            bytes += s->request.body_len;
        }
        if (bytes > CF_MAX_BATCH_BYTES && i + 1 < n)
            n = i + 1; /* the rest wait for the next batch, untouched */
    }
    size_t m = 0;
    for (size_t i = 0; i < used; i++) {
        if (!slots[i].built || slots[i].cs->done)
            continue;
        ex[m].request = &slots[i].request;
        ex[m].response = &slots[i].response;
        ex[m].fresh_connection = slots[i].step->parallel > 1;
        /* Sent again after a transport failure only with an idempotency token: the server then
         * answers a duplicate with the same resource, never a second one. */
        ex[m].retry_safe = slots[i].request.idem_token != NULL;
        m++;
    }
    if (r == CF_OK && m) {
        r = cf_transport_perform(t, ex, m, rc->opts->stop);
        int64_t now = cf_time_now_ms();
        for (size_t i = 0; i < used; i++)
            slots[i].received_ms = now;
    }
    if (r == CF_E_INTERRUPTED)
        goto out;
    for (size_t i = 0; i < used && r == CF_OK; i++)
        if (slots[i].built && !slots[i].cs->done)
            r = judge_slot(rc, &slots[i]);
    /* Advance: parallel consistency, transport failures end a scenario. */
    size_t at = 0;
    for (size_t i = 0; i < n && r == CF_OK; i++) {
        case_state *cs = states[i];
        const cf_step *st = &cs->c->steps[cs->step];
        slot *first = &slots[at];
        size_t copies = 0;
        while (at < used && slots[at].cs == cs) {
            at++;
            copies++;
        }
        if (cs->done)
            continue;
        if (st->parallel > 1 && st->consistent) {
            /* The spec loader keeps parallel within CF_MAX_PARALLEL. */
            const cf_response *responses[CF_MAX_PARALLEL];
            size_t judged = copies < CF_MAX_PARALLEL ? copies : CF_MAX_PARALLEL;
            for (size_t k = 0; k < judged; k++)
                responses[k] = &first[k].response;
            r = cf_checks_consistent(st, responses, judged, rc->secrets, result_of(rc, cs));
        }
        int transport_failed = 0;
        for (size_t k = 0; k < copies; k++)
            transport_failed |= first[k].response.transport_rc != CF_OK;
        cs->step++;
        if (cs->step >= cs->c->step_count || transport_failed)
            cs->done = 1;
    }
out:
    for (size_t i = 0; slots && i < used; i++) {
        cf_request_cleanup(&slots[i].request);
        cf_response_cleanup(&slots[i].response);
    }
    free(slots);
    free(ex);
    return r;
}

static void finish_case(run_ctx *rc, case_state *cs)
{
    cf_case_result *res = result_of(rc, cs);
    res->ran = 1;
    res->duration_ms = cf_time_mono_ms() - cs->started;
    res->passed = 1;
    for (size_t i = 0; i < res->check_count; i++) {
        rc->result->checks++;
        if (!res->checks[i].passed) {
            res->passed = 0;
            rc->result->checks_failed++;
        }
    }
    if (res->passed)
        rc->result->passed++;
    else
        rc->result->failed++;
}

/* "conform run FLAGS --filter 'ID' 'SPEC'": reruns just this case against the same target
 * with the same outcome-changing flags. NULL when out of memory. */
static char *rerun_line(const char *flags, const char *id, const char *spec_file)
{
    cf_buf b;
    cf_buf_init(&b, CF_RERUN_MAX);
    cf_rc r = cf_buf_adds(&b, "conform run");
    if (r == CF_OK && flags && *flags)
        r = cf_buf_addf(&b, " %s", flags);
    if (r == CF_OK)
        r = cf_buf_adds(&b, " --filter ");
    if (r == CF_OK)
        r = cf_shell_quote(&b, id, strlen(id));
    if (r == CF_OK)
        r = cf_buf_addc(&b, ' ');
    if (r == CF_OK)
        r = cf_shell_quote(&b, spec_file, strlen(spec_file));
    return r == CF_OK ? cf_buf_take(&b) : NULL;
}

/* `round` > 0 marks a repetition: the id becomes "id#round". */
static cf_rc add_case_result(run_ctx *rc, const cf_case *c, unsigned round, size_t *index)
{
    cf_case_result *res = cf_run_result_add_case(rc->result);
    if (!res)
        return CF_E_NOMEM;
    *index = rc->result->count - 1;
    res->spec_file = cf_strdup(rc->spec->file);
    res->spec_title = cf_strdup(rc->spec->title ? rc->spec->title : "");
    if (round) {
        size_t idn = strlen(c->id) + 16;
        res->id = malloc(idn);
        if (res->id)
            snprintf(res->id, idn, "%s#%u", c->id, round);
    } else {
        res->id = cf_strdup(c->id);
    }
    res->summary = c->summary ? cf_strdup(c->summary) : NULL;
    res->operation = rc->spec->op.name ? cf_strdup(rc->spec->op.name) : NULL;
    res->replay = rerun_line(rc->opts->rerun_flags, c->id, rc->spec->file);
    if (c->tag_count) {
        res->tags = calloc(c->tag_count, sizeof(*res->tags));
        if (!res->tags)
            return CF_E_NOMEM;
        for (size_t t = 0; t < c->tag_count; t++)
            if ((res->tags[res->tag_count++] = cf_strdup(c->tags[t])) == NULL)
                return CF_E_NOMEM;
    }
    if (!res->spec_file || !res->spec_title || !res->id || !res->replay ||
        (c->summary && !res->summary))
        return CF_E_NOMEM;
    return CF_OK;
}

/* Whether any exchange reached the target: an answer came, or the connection was made and
 * only then failed (a timeout or reset after connecting is the target's fault, not "down"). */
static int any_response(const cf_run_result *r, size_t from)
{
    for (size_t i = from; i < r->count; i++)
        for (size_t k = 0; k < r->cases[i].exchange_count; k++)
            if (r->cases[i].exchanges[k].status > 0 || !r->cases[i].exchanges[k].unreachable)
                return 1;
    return 0;
}

static cf_rc run_cases(run_ctx *rc, case_state *states, size_t n, char *err, size_t errlen)
{
    cf_transport *t = NULL;
    cf_transport *par = NULL; /* for parallel steps: as many in flight as copies */
    cf_rc r = cf_transport_new(&rc->opts->transport, &t);
    if (r != CF_OK) {
        snprintf(err, errlen, "cannot set up libcurl: %s", cf_strerror(r));
        return r;
    }
    size_t first_result = rc->result->count ? rc->result->count - n : 0;
    size_t batch_max = rc->opts->transport.jobs * 4u;
    if (batch_max < BATCH_MIN)
        batch_max = BATCH_MIN;
    case_state **batch = calloc(batch_max, sizeof(*batch));
    if (!batch) {
        cf_transport_free(t);
        return CF_E_NOMEM;
    }
    size_t next = 0; /* next case not yet started */
    size_t active = 0;
    case_state **live = calloc(n ? n : 1, sizeof(*live));
    if (!live) {
        free(batch);
        cf_transport_free(t);
        return CF_E_NOMEM;
    }
    int first_batch = 1;
    while (r == CF_OK) {
        /* Fill the live set up to batch_max cases; parallel steps go in batches of their own
         * so that their copies really are sent together. */
        while (active < batch_max && next < n) {
            states[next].started = cf_time_mono_ms();
            live[active++] = &states[next++];
        }
        if (active == 0)
            break;
        size_t b = 0;
        int parallel_batch = 0;
        for (size_t i = 0; i < active; i++) {
            const cf_step *st = &live[i]->c->steps[live[i]->step];
            if (st->parallel > 1) {
                if (b == 0) {
                    batch[b++] = live[i];
                    parallel_batch = 1;
                    break;
                }
                continue;
            }
            batch[b++] = live[i];
        }
        if (rc->opts->stop && *rc->opts->stop) {
            r = CF_E_INTERRUPTED;
            break;
        }
        if (parallel_batch && !par) {
            cf_transport_opts po = rc->opts->transport;
            po.jobs = CF_MAX_PARALLEL;
            r = cf_transport_new(&po, &par);
            if (r != CF_OK)
                break;
        }
        r = run_batch(rc, parallel_batch ? par : t, batch, b);
        if (r != CF_OK)
            break;
        if (first_batch && !any_response(rc->result, first_result)) {
            /* Nothing reached the target: say so once instead of failing every case. */
            if (!rc->result->unreachable_why) {
                rc->result->unreachable_why = rc->unreachable_why;
                rc->unreachable_why = NULL;
            }
            if (rc->result->unreachable_why) {
                rc->result->unreachable = 1;
                snprintf(err, errlen, "target %s is unreachable: %s", rc->base_url,
                         rc->result->unreachable_why);
                r = CF_E_TRANSPORT;
                break;
            }
        }
        first_batch = 0;
        size_t kept = 0;
        for (size_t i = 0; i < active; i++) {
            if (live[i]->done)
                finish_case(rc, live[i]);
            else
                live[kept++] = live[i];
            if (live[i]->done && rc->opts->progress)
                rc->opts->progress(rc->opts->progress_user, result_of(rc, live[i]),
                                   rc->result->passed + rc->result->failed, 0);
        }
        active = kept;
    }
    if (r == CF_E_INTERRUPTED) {
        rc->result->incomplete = 1;
        snprintf(err, errlen, "interrupted");
    }
    free(live);
    free(batch);
    cf_transport_free(par);
    cf_transport_free(t);
    return r;
}

cf_rc cf_run_spec(const cf_spec *spec, const cf_run_opts *opts, cf_run_result *result, char *err,
                  size_t errlen)
{
    run_ctx rc = {spec, opts, result, opts->secrets, opts->base_url, NULL};
    case_state *states = NULL;
    size_t n = 0;
    cf_rc r = CF_OK;
    if (!rc.base_url) {
        snprintf(err, errlen, "no target to send requests to");
        return CF_E_USAGE;
    }
    unsigned repeat = opts->repeat > 1 ? opts->repeat : 1;
    states = calloc(spec->case_count ? spec->case_count * repeat : 1, sizeof(*states));
    if (!states) {
        r = CF_E_NOMEM;
        goto out;
    }
    /* Each repetition is a case run of its own, with its own fresh tokens. */
    for (unsigned k = 0; k < repeat; k++) {
        for (size_t i = 0; i < spec->case_count; i++) {
            if (!cf_run_selects(opts, &spec->cases[i], i))
                continue;
            states[n].c = &spec->cases[i];
            r = add_case_result(&rc, &spec->cases[i], repeat > 1 ? k + 1 : 0,
                                &states[n].result_index);
            n++;
            if (r != CF_OK)
                goto out;
        }
    }
    if (n)
        r = run_cases(&rc, states, n, err, errlen);
out:
    if (r == CF_E_NOMEM && errlen)
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; states && i < n; i++) {
        cf_bindings_cleanup(&states[i].captures);
        cf_bindings_cleanup(&states[i].tokens);
    }
    free(states);
    free(rc.unreachable_why);
    return r;
}
