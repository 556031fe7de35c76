/* fuzz_input.c - what a campaign sends for one operation: its generated requests as they are
 * (the seeds), then mutants of the valid ones and of those that drew a new response class, with
 * their body mutated or a path or query parameter given another generated value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/str.h"
#include "gen/mutate.h"
#include "run/fuzz_internal.h"

#define FZ_ORIGIN_MAX 160u /* bytes of a parent's origin kept in a mutant's */
#define FZ_MUTATE_TRIES 8u /* draws before a batch slot is left empty */

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

void fz_input_cleanup(fz_input *in)
{
    if (!in)
        return;
    cJSON_Delete(in->step);
    free(in->origin);
    memset(in, 0, sizeof(*in));
}

cf_rc fz_input_copy(const fz_input *in, fz_input *out)
{
    *out = *in;
    out->step = in->step ? cJSON_Duplicate(in->step, 1) : NULL;
    out->origin = in->origin ? cf_strdup(in->origin) : NULL;
    if ((in->step && !out->step) || (in->origin && !out->origin)) {
        fz_input_cleanup(out);
        return CF_E_NOMEM;
    }
    return CF_OK;
}

cf_rc fz_pool_add(fz *f, fz_op *op, const fz_input *in)
{
    if (in->fixed || op->pool_count >= CF_FUZZ_POOL_MAX)
        return CF_OK;
    if (!op->pool && !(op->pool = calloc(CF_FUZZ_POOL_MAX, sizeof(*op->pool))))
        return CF_E_NOMEM;
    cf_rc rc = fz_input_copy(in, &op->pool[op->pool_count]);
    if (rc == CF_OK) {
        op->pool_count++;
        f->r->pool++;
    }
    return rc;
}

cf_rc fz_queue_push(fz_op *op, fz_input *in)
{
    if (op->qcount == op->qcap) {
        size_t cap = op->qcap ? op->qcap * 2 : 64;
        fz_input *q = realloc(op->queue, cap * sizeof(*q));
        if (!q)
            return CF_E_NOMEM;
        op->queue = q;
        op->qcap = cap;
    }
    op->queue[op->qcount++] = *in;
    memset(in, 0, sizeof(*in));
    return CF_OK;
}

/* The id of the generated case whose request is `seed` (its last step, or the case itself). */
static const char *seed_id(const fz *f, const cJSON *seed)
{
    for (const cJSON *n = f->plan.gen.nodes ? f->plan.gen.nodes->child : NULL; n; n = n->next) {
        const cJSON *steps = get(n, "steps");
        const cJSON *own = steps ? cJSON_GetArrayItem(steps, cJSON_GetArraySize(steps) - 1) : n;
        if (own == seed)
            return cJSON_IsString(get(n, "id")) ? get(n, "id")->valuestring : NULL;
    }
    return NULL;
}

int fz_plain_success(const cJSON *seed)
{
    const cJSON *e = get(seed, "expect");
    return cJSON_IsTrue(get(e, "success")) && cJSON_GetArraySize(e) == 1;
}

static cf_rc donor_add(fz_op *op, const char *where, const char *name, const cJSON *value,
                       int valid)
{
    for (size_t i = 0; i < op->donor_count; i++) {
        const fz_donor *d = &op->donors[i];
        if (strcmp(d->where, where) == 0 && strcmp(d->name, name) == 0 &&
            (d->value == value || (d->value && value && cJSON_Compare(d->value, value, 1))))
            return CF_OK;
    }
    fz_donor *n = realloc(op->donors, (op->donor_count + 1) * sizeof(*n));
    if (!n)
        return CF_E_NOMEM;
    op->donors = n;
    op->donors[op->donor_count++] = (fz_donor){where, name, value, valid};
    return CF_OK;
}

/* What `seed` gives the one path or query parameter it changes from `base` (a valid seed),
 * when that is all it changes: its expectation is then about that value alone. */
static cf_rc donors_of(fz_op *op, const cJSON *base, const cJSON *seed)
{
    static const char *const same[] = {"operation", "method", "headers", "body", "raw_body"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        const cJSON *a = get(seed, same[i]), *b = get(base, same[i]);
        if ((a || b) && !(a && b && cJSON_Compare(a, b, 1)))
            return CF_OK;
    }
    static const char *const wheres[] = {"path", "query"};
    const char *where = NULL, *name = NULL;
    const cJSON *value = NULL;
    size_t changes = 0;
    for (size_t w = 0; w < 2; w++) {
        const cJSON *mine = get(seed, wheres[w]), *theirs = get(base, wheres[w]);
        for (const cJSON *m = mine ? mine->child : NULL; m; m = m->next) {
            const cJSON *b = get(theirs, m->string);
            if (!b || !cJSON_Compare(b, m, 1)) {
                changes++;
                where = wheres[w], name = m->string, value = m;
            }
        }
        for (const cJSON *m = theirs ? theirs->child : NULL; m; m = m->next)
            if (!get(mine, m->string)) {
                changes++;
                where = wheres[w], name = m->string, value = NULL;
            }
    }
    if (changes != 1 || (value == NULL && strcmp(where, "path") == 0))
        return CF_OK;
    return donor_add(op, where, name, value, cJSON_IsTrue(get(get(seed, "expect"), "success")));
}

cf_rc fz_seed(fz *f, size_t i)
{
    fz_op *op = &f->ops[i];
    const cf_fuzz_plan_op *po = op->po;
    const cJSON *base = NULL;
    for (size_t k = 0; k < po->seed_count && !base; k++)
        if (fz_plain_success(po->seeds[k]))
            base = po->seeds[k];
    cf_rc rc = CF_OK;
    for (size_t k = 0; k < po->seed_count && rc == CF_OK; k++) {
        const cJSON *seed = po->seeds[k];
        const char *id = seed_id(f, seed);
        cf_buf o;
        cf_buf_init(&o, 1024);
        rc = id ? cf_buf_addf(&o, "gen:%s", id) : cf_buf_addf(&o, "gen:%s#%zu", po->op->id, k);
        fz_input in = {cJSON_Duplicate(seed, 1), cf_buf_take(&o), i, 1, 1};
        cf_buf_free(&o);
        if (rc == CF_OK && (!in.step || !in.origin))
            rc = CF_E_NOMEM;
        if (rc == CF_OK && base && seed != base)
            rc = donors_of(op, base, seed);
        if (rc == CF_OK && fz_plain_success(seed)) {
            in.fixed = 0;
            rc = fz_pool_add(f, op, &in);
            in.fixed = 1;
        }
        if (rc == CF_OK)
            rc = fz_queue_push(op, &in);
        fz_input_cleanup(&in);
    }
    return rc;
}

/* Raw body text as a case's raw_body template: a literal '{' is written "{{", except in the
 * {$token} placeholders, which stay live so every resend carries a fresh token, and the {@name}
 * captures, which stay bound to what the setup made (a mangled name fails to build and is
 * skipped). NULL when the bytes hold a NUL (a template is a C string) or memory ran out. */
static char *raw_template(const char *raw, size_t len)
{
    if (memchr(raw, '\0', len))
        return NULL;
    cf_buf b;
    cf_buf_init(&b, 2 * len + 1);
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < len && rc == CF_OK; i++) {
        if (raw[i] == '{' && strncmp(raw + i, "{$token", 7) != 0 && strncmp(raw + i, "{@", 2) != 0)
            rc = cf_buf_addc(&b, '{');
        if (rc == CF_OK)
            rc = cf_buf_addc(&b, raw[i]);
    }
    char *out = rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
    return out;
}

/* Replaces the body of `step` with the mutation's; 0 when it cannot be a template. */
static int put_body(cJSON *step, cf_mutation *m)
{
    cJSON_DeleteItemFromObjectCaseSensitive(step, "body");
    cJSON_DeleteItemFromObjectCaseSensitive(step, "raw_body");
    if (m->value) {
        cJSON_AddItemToObject(step, "body", m->value);
        m->value = NULL;
        return 1;
    }
    char *raw = m->raw ? raw_template(m->raw, m->raw_len) : NULL;
    cJSON *s = raw ? cJSON_CreateString(raw) : NULL;
    free(raw);
    return s && cJSON_AddItemToObject(step, "raw_body", s);
}

/* Gives the parameter of donor `d` its value in `step`; 0 when out of memory. */
static int put_param(cJSON *step, const fz_donor *d)
{
    cJSON *to = cJSON_GetObjectItemCaseSensitive(step, d->where);
    if (!to && !(to = cJSON_AddObjectToObject(step, d->where)))
        return 0;
    cJSON_DeleteItemFromObjectCaseSensitive(to, d->name);
    cJSON *v = d->value ? cJSON_Duplicate(d->value, 1) : NULL;
    return !d->value || (v && cJSON_AddItemToObject(to, d->name, v));
}

/* One draw: a mutant of `parent` into `out` (1), or nothing (0). */
static int draw(fz *f, fz_op *op, const fz_input *parent, fz_input *out, cf_rc *rc)
{
    const cJSON *body = get(parent->step, "body");
    int can_body = body != NULL;
    int can_param = op->donor_count > 0;
    if (!can_body && !can_param)
        return 0;
    /* Parameters now and then where there is a body; both at once, rarely. */
    int param = can_param && (!can_body || cf_rng_below(&f->rng, 4) == 0);
    int mutate_body = can_body && (!param || cf_rng_below(&f->rng, 4) == 0);
    *out = (fz_input){cJSON_Duplicate(parent->step, 1), NULL, parent->op, 0, parent->params_ok};
    if (!out->step) {
        *rc = CF_E_NOMEM;
        return 0;
    }
    cf_buf o;
    cf_buf_init(&o, 4096);
    cf_rc r = CF_OK;
    if (mutate_body) {
        cf_mutate_options mo = {op->json ? op->json->schema.json : NULL,
                                f->api->schema_options.document, CF_MAX_REQUEST_BODY / 4};
        cf_mutation m;
        r = cf_mutate(body, &mo, &f->rng, &m);
        if (r == CF_OK) {
            r = cf_buf_addf(&o, "%s %s", cf_mutator_name(m.op), m.where[0] ? m.where : "(body)");
            if (r == CF_OK && !put_body(out->step, &m))
                r = CF_E_INVALID;
        }
        cf_mutation_cleanup(&m);
    }
    if (r == CF_OK && param) {
        const fz_donor *d = &op->donors[cf_rng_below(&f->rng, op->donor_count)];
        r = put_param(out->step, d) ? CF_OK : CF_E_NOMEM;
        out->params_ok &= d->valid;
        if (r == CF_OK)
            r = cf_buf_addf(&o, "%s%s.%s=%s", o.len ? " + " : "", d->where, d->name,
                            d->value ? "other" : "absent");
    }
    if (r == CF_OK)
        r = cf_buf_addf(&o, " of %.*s", (int)FZ_ORIGIN_MAX, parent->origin);
    out->origin = r == CF_OK ? cf_buf_take(&o) : NULL;
    cf_buf_free(&o);
    if (r == CF_E_NOMEM)
        *rc = r;
    if (r == CF_OK && out->origin)
        return 1;
    fz_input_cleanup(out);
    return 0;
}

cf_rc fz_mutant(fz *f, size_t i, fz_input *out)
{
    memset(out, 0, sizeof(*out));
    fz_op *op = &f->ops[i];
    cf_rc rc = CF_OK;
    for (unsigned tries = 0; op->pool_count && tries < FZ_MUTATE_TRIES && rc == CF_OK; tries++)
        if (draw(f, op, &op->pool[cf_rng_below(&f->rng, op->pool_count)], out, &rc))
            return CF_OK;
    return rc;
}

void fz_op_cleanup(fz_op *op)
{
    if (!op)
        return;
    cf_bindings_cleanup(&op->captures);
    for (size_t i = op->qhead; i < op->qcount; i++)
        fz_input_cleanup(&op->queue[i]);
    free(op->queue);
    for (size_t i = 0; i < op->pool_count; i++)
        fz_input_cleanup(&op->pool[i]);
    free(op->pool);
    free(op->classes);
    free(op->donors);
    memset(op, 0, sizeof(*op));
}
