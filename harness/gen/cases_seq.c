/* cases_seq.c - operations chained through the resources one produces and another consumes
 * (cf_api_mock_hints: x-conform, the AWS overlay, OpenAPI links): the producer steps an
 * operation's cases run first, and the gen.seq.* sequences, so generated requests reach
 * operations that need a live resource. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "gen/cases_internal.h"

/* Operations in one chain at most (producers of producers...); a longer chain is cut and its
 * consumer left with generated values. */
#define MAX_CHAIN 8

typedef struct {
    const cf_api_operation *ops[MAX_CHAIN]; /* in the chain, in the order they run */
    cJSON *steps[MAX_CHAIN];                /* their steps (owned by `list`) */
    size_t count;
    const cf_api_operation *stack[MAX_CHAIN + 1]; /* being resolved: never their own producer */
    size_t depth;
    const cf_api_operation *prefer;
    cJSON *list; /* array of the steps */
} chain;

static const char *const places[] = {"path", "query", "header", "cookie", "body"};

/* "ConnectionToken" as a capture name: [A-Za-z0-9_], at most CF_PATH_MAX - 1 characters. */
static void capture_name(const char *resource, char *out, size_t n)
{
    size_t i = 0;
    for (; resource[i] && i + 1 < n; i++)
        out[i] = isalnum((unsigned char)resource[i]) ? resource[i] : '_';
    out[i] = '\0';
}

/* Names compared without case and separators: "ViewToken" is the variable view_token. */
static int same_name(const char *a, const char *b)
{
    for (;;) {
        while (*a && !isalnum((unsigned char)*a))
            a++;
        while (*b && !isalnum((unsigned char)*b))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
            return 0;
    }
}

static const cf_api_resource_ref *produced(const cf_api_operation *op, const char *resource)
{
    for (size_t i = 0; i < op->mock.produce_count; i++) {
        const cf_api_resource_ref *r = &op->mock.produces[i];
        if (r->resource && strcmp(r->resource, resource) == 0 &&
            (r->in == CF_API_IN_BODY || r->in == CF_API_IN_HEADER))
            return r;
    }
    return NULL;
}

static int on_stack(const chain *ch, const cf_api_operation *op)
{
    for (size_t i = 0; i < ch->depth; i++)
        if (ch->stack[i] == op)
            return 1;
    return 0;
}

/* The producer of `resource`: the preferred one, else the first in the contract's order that
 * is not being resolved. */
static const cf_api_operation *producer_of(const cf_api *api, const chain *ch, const char *resource)
{
    if (ch->prefer && produced(ch->prefer, resource) && !on_stack(ch, ch->prefer))
        return ch->prefer;
    for (size_t i = 0; i < api->operation_count; i++)
        if (produced(&api->operations[i], resource) && !on_stack(ch, &api->operations[i]))
            return &api->operations[i];
    return NULL;
}

static cJSON *new_bind(void)
{
    cJSON *b = cJSON_CreateObject();
    for (size_t i = 0; b && i < 5; i++)
        if (i != 3 && !cJSON_AddObjectToObject(b, places[i] /* no cookies */)) {
            cJSON_Delete(b);
            return NULL;
        }
    return b;
}

static cf_rc add_step(const gc *g, chain *ch, const cf_api_operation *p, cJSON **step);

/* The operation that moves what `p` produces into the state `want` requires (the overlay's
 * life cycle: StartAttachmentUpload makes an AttachmentId "uploading", CompleteAttachmentUpload
 * takes it "uploading" to "complete", GetAttachment wants it "complete"); NULL when `p` makes
 * it in that state already, or no operation does. */
static const cf_api_operation *transition(const cf_api *api, const chain *ch,
                                          const cf_api_operation *consumer,
                                          const cf_api_operation *p,
                                          const cf_api_resource_ref *want)
{
    const cf_api_resource_ref *made = produced(p, want->resource);
    if (!want->state || !made || !made->state || strcmp(made->state, want->state) == 0)
        return NULL;
    for (size_t i = 0; i < api->operation_count; i++) {
        const cf_api_operation *t = &api->operations[i];
        for (size_t k = 0; t != consumer && !on_stack(ch, t) && k < t->mock.consume_count; k++) {
            const cf_api_resource_ref *c = &t->mock.consumes[k];
            if (c->resource && strcmp(c->resource, want->resource) == 0 && c->state &&
                strcmp(c->state, made->state) == 0 && c->next_state &&
                strcmp(c->next_state, want->state) == 0 && !c->ends)
                return t;
        }
    }
    return NULL;
}

/* Works out how each input `op` consumes is set, adding producers to the chain. */
static cf_rc resolve(const gc *g, const cf_api_operation *op, chain *ch, cJSON *bind)
{
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < op->mock.consume_count; i++) {
        const cf_api_resource_ref *r = &op->mock.consumes[i];
        cJSON *to = r->resource && r->where && r->in != CF_API_IN_COOKIE
                        ? cJSON_GetObjectItemCaseSensitive(bind, places[r->in])
                        : NULL;
        if (!to)
            continue;
        char name[CF_PATH_MAX], tpl[CF_PATH_MAX + 4];
        const cf_api_operation *p = producer_of(g->api, ch, r->resource);
        cJSON *step = NULL;
        if (p && (rc = add_step(g, ch, p, &step)) != CF_OK)
            break;
        const cf_api_operation *t = step ? transition(g->api, ch, op, p, r) : NULL;
        cJSON *moved = NULL;
        if (t && (rc = add_step(g, ch, t, &moved)) != CF_OK)
            break;
        if (step) {
            const cf_api_resource_ref *made = produced(p, r->resource);
            char where[CF_PATH_MAX];
            snprintf(where, sizeof where, "%s%s", made->in == CF_API_IN_HEADER ? "header:" : "",
                     made->where);
            capture_name(r->resource, name, sizeof name);
            cJSON *cap = cJSON_GetObjectItemCaseSensitive(step, "capture");
            if (!cap && !(cap = cJSON_AddObjectToObject(step, "capture")))
                return CF_E_NOMEM;
            if (!cJSON_GetObjectItemCaseSensitive(cap, name) &&
                !cJSON_AddStringToObject(cap, name, where))
                return CF_E_NOMEM;
            snprintf(tpl, sizeof tpl, "{@%s}", name);
        } else {
            /* Ids the contract says are known from the start, else the variable named after
             * the resource. */
            const char *var = r->seed_count ? r->seeds[0] : NULL;
            for (size_t k = 0; !var && k < g->api->var_count; k++)
                if (same_name(g->api->vars[k].name, r->resource))
                    var = g->api->vars[k].name;
            if (!var)
                continue; /* nobody makes it: the generated value stands */
            snprintf(tpl, sizeof tpl, "{%s}", var);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(to, r->where);
        if (!cJSON_AddStringToObject(to, r->where, tpl))
            return CF_E_NOMEM;
    }
    return rc;
}

/* The step of producer `p` in the chain, added (behind its own producers) when not there yet;
 * *step NULL when the chain is full. */
static cf_rc add_step(const gc *g, chain *ch, const cf_api_operation *p, cJSON **step)
{
    *step = NULL;
    for (size_t i = 0; i < ch->count; i++)
        if (ch->ops[i] == p) {
            *step = ch->steps[i];
            return CF_OK;
        }
    if (ch->count == MAX_CHAIN || ch->depth == MAX_CHAIN)
        return CF_OK;
    ch->stack[ch->depth++] = p;
    gc_op pv;
    cf_rc rc = gc_op_read(g, p, 1, 1, &pv);
    if (rc == CF_OK && !(pv.bind = new_bind()))
        rc = CF_E_NOMEM;
    if (rc == CF_OK)
        rc = resolve(g, p, ch, pv.bind);
    cJSON *s = NULL;
    if (rc == CF_OK && ch->count < MAX_CHAIN) {
        cJSON *expect = gc_expect_success();
        s = expect ? gc_step(g, &pv, NULL, p->id, NULL, NULL) : NULL;
        if (!s || !cJSON_AddItemToObject(s, "expect", expect) ||
            !cJSON_AddItemToArray(ch->list, s)) {
            if (!s || !cJSON_GetObjectItemCaseSensitive(s, "expect"))
                cJSON_Delete(expect);
            cJSON_Delete(s);
            s = NULL;
            rc = CF_E_NOMEM;
        }
    }
    if (s) {
        ch->ops[ch->count] = p;
        ch->steps[ch->count++] = s;
        *step = s;
    }
    gc_op_cleanup(&pv);
    ch->depth--;
    return rc;
}

cf_rc gc_seq_resolve(const gc *g, gc_op *v, const cf_api_operation *prefer)
{
    chain ch;
    memset(&ch, 0, sizeof ch);
    ch.prefer = prefer;
    ch.stack[ch.depth++] = v->op;
    ch.list = cJSON_CreateArray();
    cJSON *bind = new_bind();
    cf_rc rc = ch.list && bind ? resolve(g, v->op, &ch, bind) : CF_E_NOMEM;
    if (rc == CF_OK && ch.count) {
        v->prefix = ch.list;
        ch.list = NULL;
    }
    cJSON_Delete(ch.list);
    if (rc == CF_OK)
        v->bind = bind;
    else
        cJSON_Delete(bind);
    return rc;
}

/* Whether `c` consumes something `p` produces. */
static int consumes_from(const cf_api_operation *c, const cf_api_operation *p)
{
    for (size_t i = 0; i < c->mock.consume_count; i++)
        if (c->mock.consumes[i].resource && produced(p, c->mock.consumes[i].resource))
            return 1;
    return 0;
}

/* One sequence: the chain that makes what `c` consumes (through `p`), then `c`. */
static cf_rc sequence(gc *g, const cf_api_operation *p, const cf_api_operation *c)
{
    gc_op cv;
    cf_rc rc = gc_op_read(g, c, 1, 1, &cv);
    if (rc == CF_OK)
        rc = gc_seq_resolve(g, &cv, p);
    /* One sequence per pair whose producer is the last in the chain to make something the
     * consumer takes (steps that only move a resource's state may follow it): a consumer
     * further down another producer's chain gets its sequence from that producer. */
    const cf_api_operation *last = NULL;
    for (const cJSON *st = cv.prefix ? cv.prefix->child : NULL; st; st = st->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "operation");
        const cf_api_operation *o = cf_api_operation_find(g->api, name->valuestring);
        if (o && consumes_from(c, o))
            last = o;
    }
    int through_p = last == p;
    if (rc != CF_OK || !through_p) {
        gc_op_cleanup(&cv);
        return rc;
    }
    cJSON *expect = gc_expect_success();
    cJSON *step = expect ? gc_step(g, &cv, NULL, c->id, NULL, NULL) : NULL;
    if (!step || !cJSON_AddItemToObject(step, "expect", expect)) {
        if (!step)
            cJSON_Delete(expect);
        cJSON_Delete(step);
        gc_op_cleanup(&cv);
        return CF_E_NOMEM;
    }
    cJSON *steps = cv.prefix;
    cv.prefix = NULL;
    cJSON_AddItemToArray(steps, step);
    cf_buf name;
    cf_buf_init(&name, 64u * 1024u);
    for (const cJSON *s = steps->child; rc == CF_OK && s; s = s->next)
        rc = cf_buf_addf(&name, "%s%s", s == steps->child ? "" : ">",
                         cJSON_GetObjectItemCaseSensitive(s, "name")->valuestring);
    cJSON *node = rc == CF_OK ? gc_case_node("seq", cf_buf_str(&name), "sequence") : NULL;
    cf_buf_free(&name);
    if (!node || !cJSON_AddItemToObject(node, "steps", steps)) {
        cJSON_Delete(steps);
        cJSON_Delete(node);
        gc_op_cleanup(&cv);
        return CF_E_NOMEM;
    }
    size_t before = g->st->added;
    rc = gc_add(g, node);
    g->st->sequences += g->st->added - before;
    gc_op_cleanup(&cv);
    return rc;
}

cf_rc gc_seq_cases(gc *g, const gc_op *v)
{
    const cf_api_operation *p = v->op;
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && p->mock.produce_count && i < g->api->operation_count; i++) {
        const cf_api_operation *c = &g->api->operations[i];
        if (c != p && consumes_from(c, p))
            rc = sequence(g, p, c);
    }
    return rc;
}
