/* result.c - storage of run, case and check results. */
#include "check/result.h"
#include "base/array.h"
#include "base/str.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The checks' strings: a dozen checks per request each allocated their own block, and the
 * allocations cost more than the copies. They are packed into blocks of TEXT_BLOCK bytes (one
 * of its own for a longer text), newest first; each lives as long as the case. */
#define TEXT_BLOCK 512u /* a one-step case's dozen checks fit in one */

typedef struct text_block {
    struct text_block *next;
    size_t used, cap;
    char text[];
} text_block;

static void free_check_text(void *blocks)
{
    for (text_block *b = blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
}

/* `n` bytes in the case's blocks; NULL when out of memory. */
static char *check_text_room(cf_case_result *c, size_t n)
{
    text_block *b = c->check_text;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        if (cap > SIZE_MAX - sizeof(*b))
            return NULL;
        text_block *fresh = malloc(sizeof(*b) + cap);
        if (!fresh)
            return NULL;
        *fresh = (text_block){b, 0, cap};
        c->check_text = b = fresh;
    }
    char *room = b->text + b->used;
    b->used += n;
    return room;
}

static void free_exchanges(cf_case_result *c)
{
    for (size_t i = 0; i < c->exchange_count; i++) {
        free(c->exchanges[i].step);
        free(c->exchanges[i].request);
        free(c->exchanges[i].response);
        free(c->exchanges[i].curl);
        free(c->exchanges[i].error_code);
        free(c->exchanges[i].covered);
        free(c->exchanges[i].operation);
    }
    free(c->exchanges);
}

void cf_case_result_cleanup(cf_case_result *c)
{
    if (!c)
        return;
    free(c->spec_file);
    free(c->spec_title);
    free(c->id);
    free(c->summary);
    for (size_t i = 0; i < c->tag_count; i++)
        free(c->tags[i]);
    free(c->tags);
    free_check_text(c->check_text);
    free(c->checks);
    free_exchanges(c);
    free(c->replay);
    free(c->operation);
    free(c->not_run);
    memset(c, 0, sizeof(*c));
}

void cf_case_result_compact(cf_case_result *c)
{
    /* The exchanges' step, status and error code stay: failures are grouped by them. */
    for (size_t i = 0; i < c->exchange_count; i++) {
        cf_exchange_record *e = &c->exchanges[i];
        free(e->request);
        free(e->response);
        free(e->curl);
        free(e->covered);
        e->request = e->response = e->curl = e->covered = NULL;
    }
    for (size_t i = 0; i < c->check_count; i++) {
        cf_check_result *k = &c->checks[i];
        if (k->passed) /* only the id is shown; the texts stay in check_text */
            k->step = k->expected = k->actual = NULL;
    }
}

cf_rc cf_run_result_take_case(cf_run_result *r, cf_case_result *c)
{
    cf_case_result *slot = cf_run_result_add_case(r);
    if (!slot)
        return CF_E_NOMEM;
    *slot = *c;
    memset(c, 0, sizeof(*c));
    return CF_OK;
}

const char *cf_case_result_operation(const cf_case_result *c)
{
    if (c->operation && *c->operation)
        return c->operation;
    if (c->spec_title && *c->spec_title)
        return c->spec_title;
    return c->spec_file ? c->spec_file : "";
}

cf_rc cf_run_result_drop_case(cf_run_result *r, const cf_case_result *c)
{
    const char *name = cf_case_result_operation(c);
    size_t k = 0;
    while (k < r->dropped_op_count && strcmp(r->dropped_ops[k].operation, name) != 0)
        k++;
    if (k == r->dropped_op_count) {
        cf_op_tally *ops = cf_array_reserve(r->dropped_ops, &r->dropped_op_cap, r->dropped_op_count,
                                            sizeof(*ops), 4);
        if (!ops)
            return CF_E_NOMEM;
        r->dropped_ops = ops;
        memset(&ops[k], 0, sizeof(ops[k]));
        if (!(ops[k].operation = cf_strdup(name)))
            return CF_E_NOMEM;
        r->dropped_op_count++;
    }
    cf_op_tally *t = &r->dropped_ops[k];
    if (!c->ran) {
        t->not_run++;
        r->dropped_not_run++;
    } else if (c->passed) {
        t->passed++;
        r->dropped_passed++;
    } else {
        t->failed++;
        r->dropped_failed++;
    }
    return CF_OK;
}

void cf_run_result_clear_coverage(cf_run_result *r)
{
    for (size_t i = 0; i < r->coverage_count; i++) {
        free(r->coverage[i].operation);
        free(r->coverage[i].spec_file);
        for (size_t k = 0; k < r->coverage[i].count; k++)
            free(r->coverage[i].items[k]);
        free(r->coverage[i].items);
        free(r->coverage[i].lens);
        free(r->coverage[i].hit);
    }
    free(r->coverage);
    r->coverage = NULL;
    r->coverage_count = 0;
}

void cf_run_result_cleanup(cf_run_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        cf_case_result_cleanup(&r->cases[i]);
    free(r->cases);
    cf_run_result_clear_coverage(r);
    for (size_t i = 0; i < r->dropped_op_count; i++)
        free(r->dropped_ops[i].operation);
    free(r->dropped_ops);
    free(r->unreachable_why);
    free(r->target);
    memset(r, 0, sizeof(*r));
}

cf_case_result *cf_run_result_add_case(cf_run_result *r)
{
    cf_case_result *cases = cf_array_reserve(r->cases, &r->cap, r->count, sizeof(*cases), 64);
    if (!cases)
        return NULL;
    r->cases = cases;
    cf_case_result *c = &r->cases[r->count++];
    memset(c, 0, sizeof(*c));
    return c;
}

cf_rc cf_case_add_check(cf_case_result *c, const char *id, int passed, const char *step,
                        const char *expected, const char *actual)
{
    cf_check_result *checks =
        cf_array_reserve(c->checks, &c->check_cap, c->check_count, sizeof(*checks), 16);
    if (!checks)
        return CF_E_NOMEM;
    c->checks = checks;
    if (!id)
        return CF_E_NOMEM; /* as a failed copy of it would */
    /* The four strings go together into the case's text blocks. */
    const char *parts[4] = {id, step, expected, actual};
    size_t len[4], total = 0;
    for (size_t i = 0; i < 4; i++) {
        len[i] = parts[i] ? strlen(parts[i]) + 1 : 0;
        total += len[i];
    }
    char *room = check_text_room(c, total);
    if (!room)
        return CF_E_NOMEM;
    char *copies[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0, at = 0; i < 4; at += len[i], i++)
        if (parts[i])
            copies[i] = memcpy(room + at, parts[i], len[i]);
    c->checks[c->check_count++] =
        (cf_check_result){copies[0], passed, copies[1], copies[2], copies[3]};
    return CF_OK;
}

cf_rc cf_case_add_exchange(cf_case_result *c, char *step, char *request, char *response, char *curl,
                           long status, double elapsed_ms)
{
    cf_exchange_record *ex =
        cf_array_reserve(c->exchanges, &c->exchange_cap, c->exchange_count, sizeof(*ex), 4);
    if (!ex) {
        free(step);
        free(request);
        free(response);
        free(curl);
        return CF_E_NOMEM;
    }
    c->exchanges = ex;
    c->exchanges[c->exchange_count++] = (cf_exchange_record){
        step, request, response, curl, status, elapsed_ms, 0, NULL, NULL, 0, NULL};
    return CF_OK;
}
