/* fuzz_find.c - what becomes of a failed check in a campaign: de-duplicated by (operation,
 * check, status, code), minimised while it still reproduces, written down as a suite v2 case
 * (the operation's setup steps, then the request) that `conform run` replays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/utf8.h"
#include "check/record.h"
#include "run/fuzz_internal.h"

/* Bytes of a check's text kept in a finding. */
#define FZ_DETAIL_MAX 1024u

static const char *resp_code(const cf_response *r)
{
    return r->error_code_owned ? r->error_code_owned : r->error_code;
}

static char *key_of(const char *op, const char *check, long status, const char *code)
{
    cf_buf b;
    cf_buf_init(&b, 4096);
    if (cf_buf_addf(&b, "%s\n%s\n%ld\n%s", op, check, status, code ? code : "") != CF_OK) {
        cf_buf_free(&b);
        return NULL;
    }
    return cf_buf_take(&b);
}

/* Whether slot `s`, sent and judged, fails `check` with `status` and `code` again. */
static cf_rc reproduces(fz *f, fz_slot *s, const char *key, int *yes)
{
    *yes = 0;
    cf_rc rc = fz_prepare(f, s);
    if (rc != CF_OK || !s->built)
        return rc;
    rc = fz_send_one(f, s);
    if (rc != CF_OK)
        return rc;
    cf_run_result scratch = {0};
    cf_case_result *c = cf_run_result_add_case(&scratch);
    rc = c ? fz_judge(f, s, c) : CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < c->check_count && !*yes; i++) {
        if (c->checks[i].passed)
            continue;
        char *k = key_of(s->step.op->id, c->checks[i].id, s->resp.status, resp_code(&s->resp));
        if (!k)
            rc = CF_E_NOMEM;
        *yes = k && strcmp(k, key) == 0;
        free(k);
    }
    cf_run_result_cleanup(&scratch);
    return rc;
}

/* Tries `cand` (taken); when it reproduces it becomes the best input. */
static cf_rc attempt(fz *f, fz_input *best, fz_input *cand, const char *key, size_t *spent,
                     int *kept)
{
    fz_slot s;
    memset(&s, 0, sizeof(s));
    s.in = *cand;
    memset(cand, 0, sizeof(*cand));
    int yes = 0;
    cf_rc rc = reproduces(f, &s, key, &yes);
    (*spent)++;
    *kept = rc == CF_OK && yes;
    if (*kept) {
        fz_input_cleanup(best);
        *best = s.in;
        memset(&s.in, 0, sizeof(s.in));
    }
    fz_slot_cleanup(&s);
    return rc;
}

static cJSON *body_of(const fz_input *in)
{
    return cJSON_GetObjectItemCaseSensitive(in->step, "body");
}

/* A copy of best with its body's member `name` dropped (NULL: nothing to drop). */
static cf_rc without_member(const fz_input *best, const char *name, fz_input *out)
{
    cf_rc rc = fz_input_copy(best, out);
    if (rc == CF_OK)
        cJSON_DeleteItemFromObjectCaseSensitive(body_of(out), name);
    return rc;
}

/* The first half of a string, cut on a character boundary; NULL when it cannot be shorter. */
static char *halved(const char *s)
{
    size_t len = strlen(s), cut = len / 2;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut > 0 && cut < len ? cf_strndup(s, cut) : NULL;
}

/* Members dropped, then strings halved, while the failure reproduces; at most CF_FUZZ_MINIMISE_MAX
 * requests. Raw bodies are kept as they are (their bytes are the point). */
static cf_rc minimise(fz *f, fz_input *best, const char *key, size_t *spent)
{
    const cf_api_operation *op = f->ops[best->op].po->op;
    const char *token = op->idem.in == CF_API_TOKEN_BODY && op->idem.token ? op->idem.token : "";
    /* A seed sent as is keeps its own expectation: cut down, it would no longer hold. */
    if (best->fixed || !cJSON_IsObject(body_of(best)))
        return CF_OK;
    cf_rc rc = CF_OK;
    int progress = 1;
    while (rc == CF_OK && progress && *spent < CF_FUZZ_MINIMISE_MAX) {
        progress = 0;
        for (const cJSON *m = body_of(best)->child;
             m && rc == CF_OK && *spent < CF_FUZZ_MINIMISE_MAX;) {
            char *name = cf_strdup(m->string ? m->string : "");
            fz_input cand;
            int kept = 0;
            rc = name ? without_member(best, name, &cand) : CF_E_NOMEM;
            if (rc == CF_OK)
                rc = attempt(f, best, &cand, key, spent, &kept);
            fz_input_cleanup(&cand);
            if (kept) {
                progress = 1;
                m = cJSON_IsObject(body_of(best)) ? body_of(best)->child : NULL;
            } else if (rc == CF_OK) {
                m = cJSON_GetObjectItemCaseSensitive(body_of(best), name);
                m = m ? m->next : NULL;
            }
            free(name);
        }
        for (cJSON *m = cJSON_IsObject(body_of(best)) ? body_of(best)->child : NULL;
             m && rc == CF_OK && *spent < CF_FUZZ_MINIMISE_MAX; m = m->next) {
            if (!cJSON_IsString(m) || (token[0] == '/' && strcmp(m->string, token + 1) == 0))
                continue;
            char *half = halved(m->valuestring);
            if (!half)
                continue;
            fz_input cand;
            int kept = 0;
            rc = fz_input_copy(best, &cand);
            cJSON *target =
                rc == CF_OK ? cJSON_GetObjectItemCaseSensitive(body_of(&cand), m->string) : NULL;
            if (target && !cJSON_SetValuestring(target, half))
                rc = CF_E_NOMEM;
            free(half);
            if (rc == CF_OK)
                rc = attempt(f, best, &cand, key, spent, &kept);
            fz_input_cleanup(&cand);
            if (kept) {
                progress = 1;
                break; /* `m` belonged to the tree just replaced */
            }
        }
    }
    return rc;
}

/* A case id's characters are [A-Za-z0-9_.:-]; anything else becomes '-'. */
static void id_char_clean(char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == ':' || *s == '-'))
            *s = '-';
}

/* The expectation the finding's case states: the seed's own, or the oracle's verdict, with the
 * codes a stale idempotency token may also draw. */
static cJSON *expect_json(const fz_slot *last)
{
    const cf_step *st = &last->step;
    cJSON *e = NULL;
    if (last->in.fixed) {
        e = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(last->in.step, "expect"), 1);
    } else if ((e = cJSON_CreateObject()) != NULL) {
        int ok = st->outcome == CF_OUTCOME_SUCCESS ? cJSON_AddTrueToObject(e, "success") != NULL
                 : st->role != CF_API_ROLE_NONE
                     ? cJSON_AddStringToObject(e, "error", cf_api_role_name(st->role)) != NULL
                     : cJSON_AddFalseToObject(e, "success") != NULL;
        if (!ok) {
            cJSON_Delete(e);
            e = NULL;
        }
    }
    cJSON *allow = NULL;
    if (e && st->allow_count) {
        cJSON_DeleteItemFromObjectCaseSensitive(e, "allow");
        allow = cJSON_AddArrayToObject(e, "allow");
        for (size_t i = 0; allow && i < st->allow_count; i++)
            if (!cJSON_AddItemToArray(allow, cJSON_CreateString(st->allow_codes[i])))
                allow = NULL;
        if (!allow) {
            cJSON_Delete(e);
            e = NULL;
        }
    }
    return e;
}

/* The request's step for the case: what the request builder reads, and the expectation. */
static cJSON *request_step(const fz_slot *last)
{
    static const char *const keep[] = {"operation", "method", "path",     "query",
                                       "headers",   "body",   "raw_body", "no_body"};
    cJSON *step = cJSON_CreateObject();
    int ok = step && cJSON_AddStringToObject(step, "name", last->step.op->id);
    for (size_t i = 0; ok && i < sizeof keep / sizeof keep[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(last->in.step, keep[i]);
        ok = !v || cJSON_AddItemToObject(step, keep[i], cJSON_Duplicate(v, 1));
    }
    cJSON *e = ok ? expect_json(last) : NULL;
    if (!e || !cJSON_AddItemToObject(step, "expect", e)) {
        cJSON_Delete(e);
        cJSON_Delete(step);
        return NULL;
    }
    return step;
}

static char *case_json(const fz *f, const cf_fuzz_finding *fd, const fz_slot *last)
{
    const cf_fuzz_plan_op *po = f->ops[last->in.op].po;
    cJSON *c = cJSON_CreateObject(), *tags = NULL, *steps = NULL;
    char summary[512];
    snprintf(summary, sizeof(summary),
             "Found by conform fuzz (seed %llu, request %zu, %s): %s of %s failed with status "
             "%ld%s%s.",
             (unsigned long long)f->o->seed, fd->request_index, fd->origin, fd->check,
             fd->operation, fd->status, fd->code ? ", code " : "", fd->code ? fd->code : "");
    int ok = c && cJSON_AddStringToObject(c, "id", fd->id) &&
             cJSON_AddStringToObject(c, "summary", summary) &&
             (tags = cJSON_AddArrayToObject(c, "tags")) &&
             cJSON_AddItemToArray(tags, cJSON_CreateString("fuzz")) &&
             (steps = cJSON_AddArrayToObject(c, "steps"));
    for (size_t i = 0; ok && i < po->setup_count; i++)
        ok = cJSON_AddItemToArray(steps, cJSON_Duplicate(cJSON_GetArrayItem(po->setup, (int)i), 1));
    cJSON *step = ok ? request_step(last) : NULL;
    ok = step && cJSON_AddItemToArray(steps, step);
    if (!step)
        ok = 0;
    if (ok && po->setup_count == 0) {
        /* A single request reads as one: its members beside the id, as hand-written. */
        cJSON *own = cJSON_DetachItemFromArray(steps, 0);
        cJSON_DeleteItemFromObjectCaseSensitive(c, "steps");
        cJSON_DeleteItemFromObjectCaseSensitive(own, "name");
        for (cJSON *m = own->child; ok && m; m = own->child)
            ok = cJSON_AddItemToObject(c, m->string, cJSON_DetachItemViaPointer(own, m));
        cJSON_Delete(own);
    }
    char *text = ok ? cJSON_PrintUnformatted(c) : NULL;
    cJSON_Delete(c);
    return text;
}

/* A new finding from slot `s` (its first failure) and the check that failed. */
static cf_rc record(fz *f, fz_slot *s, const cf_check_result *chk, char *key)
{
    cf_fuzz_result *r = f->r;
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        cf_fuzz_finding *n = realloc(r->findings, cap * sizeof(*n));
        char **k = realloc(f->keys, cap * sizeof(*k));
        if (n)
            r->findings = n;
        if (k)
            f->keys = k;
        if (!n || !k)
            return CF_E_NOMEM;
        r->cap = cap;
    }
    cf_fuzz_finding *fd = &r->findings[r->count];
    memset(fd, 0, sizeof(*fd));
    f->keys[r->count] = key;
    r->count++;
    const char *code = resp_code(&s->resp);
    char id[384];
    snprintf(id, sizeof(id), "fuzz.%.128s.%s.%ld%s%.64s", s->step.op->id, chk->id, s->resp.status,
             code ? "." : "", code ? code : "");
    id_char_clean(id);
    fd->id = cf_strdup(id);
    fd->operation = cf_strdup(s->step.op->id);
    fd->check = cf_strdup(chk->id);
    fd->status = s->resp.status;
    fd->code = code ? cf_secrets_redact_dup(f->o->secrets, code, strlen(code), 256) : NULL;
    fd->valid = s->step.outcome == CF_OUTCOME_SUCCESS;
    fd->origin = cf_strdup(s->in.origin ? s->in.origin : "?");
    const char *detail = chk->actual ? chk->actual : "";
    fd->detail = cf_strndup(detail, strnlen(detail, FZ_DETAIL_MAX));
    fd->hits = 1;
    fd->request_index = f->current;
    fd->found_ms = cf_time_mono_ms() - f->t0;
    if (!fd->id || !fd->operation || !fd->check || (code && !fd->code) || !fd->origin ||
        !fd->detail)
        return CF_E_NOMEM;
    /* Minimise a copy; the finding keeps the smallest input that still fails the same way,
     * with the validity and curl line of that input. */
    fz_input best;
    cf_rc rc = fz_input_copy(&s->in, &best);
    if (rc == CF_OK && best.fixed && fz_plain_success(best.step)) {
        best.fixed = 0; /* a valid seed: the oracle judges what is cut from it */
        best.params_ok = 1;
    }
    /* Interrupted while minimising: the finding keeps the smallest input so far. */
    cf_rc stopped = CF_OK;
    if (rc == CF_OK) {
        rc = minimise(f, &best, key, &fd->minimise_requests);
        if (rc == CF_E_INTERRUPTED) {
            stopped = rc;
            rc = CF_OK;
        }
    }
    fz_slot last;
    memset(&last, 0, sizeof(last));
    if (rc == CF_OK) {
        last.in = best;
        memset(&best, 0, sizeof(best));
        rc = fz_prepare(f, &last);
    }
    if (rc == CF_OK && last.built) {
        fd->valid = last.step.outcome == CF_OUTCOME_SUCCESS;
        cf_secrets own;
        const char *caller = NULL;
        const cf_api_credential *c = cf_request_credential(f->api, last.step.op, &caller);
        const char *cred =
            c && c->in == CF_API_IN_HEADER ? cf_headers_get(&last.req.headers, c->name) : NULL;
        rc = cf_secrets_with_credential(f->o->secrets, cred, cred ? strlen(cred) : 0, &own);
        if (rc == CF_OK) {
            char *curl = cf_record_curl(f->api, &last.req, &own);
            cf_buf b;
            cf_buf_init(&b, CF_RERUN_MAX + (curl ? strlen(curl) : 0));
            const char *flags = f->o->curl_flags;
            if (curl && cf_buf_addf(&b, "%s%s%s", curl, flags && *flags ? " " : "",
                                    flags ? flags : "") == CF_OK)
                fd->curl = cf_buf_take(&b);
            cf_buf_free(&b);
            free(curl);
            cf_secrets_cleanup(&own);
        }
        fd->case_json = rc == CF_OK ? case_json(f, fd, &last) : NULL;
        if (rc == CF_OK && (!fd->curl || !fd->case_json))
            rc = CF_E_NOMEM;
    }
    fz_input_cleanup(&best);
    fz_slot_cleanup(&last);
    return rc == CF_OK ? stopped : rc;
}

cf_rc fz_findings_note(fz *f, fz_slot *s, const cf_case_result *c)
{
    for (size_t i = 0; i < c->check_count; i++) {
        const cf_check_result *chk = &c->checks[i];
        if (chk->passed)
            continue;
        char *key = key_of(s->step.op->id, chk->id, s->resp.status, resp_code(&s->resp));
        if (!key)
            return CF_E_NOMEM;
        size_t k = 0;
        while (k < f->r->count && strcmp(f->keys[k], key) != 0)
            k++;
        if (k < f->r->count) {
            f->r->findings[k].hits++;
            free(key);
            continue;
        }
        cf_rc rc = record(f, s, chk, key);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

void fz_findings_free_keys(fz *f)
{
    for (size_t i = 0; f->keys && i < f->r->count; i++)
        free(f->keys[i]);
    free(f->keys);
    f->keys = NULL;
}

void cf_fuzz_result_cleanup(cf_fuzz_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        cf_fuzz_finding *fd = &r->findings[i];
        free(fd->id);
        free(fd->operation);
        free(fd->check);
        free(fd->code);
        free(fd->origin);
        free(fd->detail);
        free(fd->case_json);
        free(fd->curl);
    }
    free(r->findings);
    free(r->unreachable_why);
    memset(r, 0, sizeof(*r));
}

cf_rc cf_fuzz_summary(const char *file, const cf_fuzz_opts *opts, const cf_fuzz_result *r,
                      const char *target, cf_buf *out)
{
    cJSON *doc = cJSON_CreateObject(), *list = NULL;
    char seed[32];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)opts->seed);
    double secs = r->duration_ms / 1000.0;
    int ok =
        doc && cJSON_AddStringToObject(doc, "file", file ? file : "") &&
        cJSON_AddNumberToObject(doc, "operations", (double)r->operations) &&
        cJSON_AddNumberToObject(doc, "operations_left_out", (double)r->dead) &&
        cJSON_AddNumberToObject(doc, "setup_requests", (double)r->setups) &&
        cJSON_AddStringToObject(doc, "target", target ? target : "") &&
        cJSON_AddStringToObject(doc, "seed", seed) &&
        cJSON_AddNumberToObject(doc, "jobs", opts->transport.jobs) &&
        cJSON_AddNumberToObject(doc, "requests", (double)r->requests) &&
        cJSON_AddNumberToObject(doc, "duration_ms", r->duration_ms) &&
        cJSON_AddNumberToObject(doc, "requests_per_s", secs > 0 ? (double)r->requests / secs : 0) &&
        cJSON_AddNumberToObject(doc, "valid_requests", (double)r->valid) &&
        cJSON_AddNumberToObject(doc, "skipped", (double)r->skipped) &&
        cJSON_AddNumberToObject(doc, "throttled", (double)r->throttled) &&
        cJSON_AddNumberToObject(doc, "response_classes", (double)r->classes) &&
        cJSON_AddNumberToObject(doc, "pool", (double)r->pool) &&
        cJSON_AddBoolToObject(doc, "interrupted", r->interrupted) &&
        (list = cJSON_AddArrayToObject(doc, "findings"));
    for (size_t i = 0; ok && i < r->count; i++) {
        const cf_fuzz_finding *fd = &r->findings[i];
        cJSON *o = cJSON_CreateObject();
        char file[300], curl[300];
        snprintf(file, sizeof(file), "%s.json", fd->id);
        snprintf(curl, sizeof(curl), "%s.curl", fd->id);
        ok = o && cJSON_AddItemToArray(list, o) && cJSON_AddStringToObject(o, "id", fd->id) &&
             cJSON_AddStringToObject(o, "operation", fd->operation) &&
             cJSON_AddStringToObject(o, "check", fd->check) &&
             cJSON_AddNumberToObject(o, "status", (double)fd->status) &&
             (fd->code ? cJSON_AddStringToObject(o, "code", fd->code)
                       : cJSON_AddNullToObject(o, "code")) &&
             cJSON_AddBoolToObject(o, "valid_request", fd->valid) &&
             cJSON_AddStringToObject(o, "origin", fd->origin) &&
             cJSON_AddStringToObject(o, "detail", fd->detail) &&
             cJSON_AddNumberToObject(o, "hits", (double)fd->hits) &&
             cJSON_AddNumberToObject(o, "found_at_request", (double)fd->request_index) &&
             cJSON_AddNumberToObject(o, "found_at_ms", (double)(long long)fd->found_ms) &&
             cJSON_AddNumberToObject(o, "minimise_requests", (double)fd->minimise_requests) &&
             cJSON_AddStringToObject(o, "case_file", file) &&
             cJSON_AddStringToObject(o, "curl_file", curl);
        if (!o)
            ok = 0;
    }
    cf_rc rc = ok ? cf_json_append_line(out, doc, 1) : CF_E_NOMEM;
    cJSON_Delete(doc);
    return rc;
}
