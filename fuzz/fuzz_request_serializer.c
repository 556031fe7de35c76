/* fuzz_request_serializer.c - libFuzzer target: a case built from the input (fuzz_case.h) ->
 * cf_request_build, held to invariants, not only to "no crash":
 *   - a header carrying CR or LF (from a literal, a variable or a capture) is refused, never sent;
 *   - a case that must be refused leaves no half-built request;
 *   - every header, the URL and the body are exactly what the case said (the JSON body parses
 *     back to the case's tree, in order).
 * Any violation calls abort(). The records of the request, and the secrets in them, are
 * fuzz_record's subject. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz_case.h"

#define TARGET "fuzz_request_serializer"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cf_fuzz_load(TARGET, 0);
    return 0;
}

/* Ordered, exact comparison: serializing then parsing must give back the same tree. */
static int same_tree(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if ((a->string == NULL) != (b->string == NULL) ||
        (a->string && strcmp(a->string, b->string) != 0))
        return 0;
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!same_tree(x, y))
            return 0;
    return x == NULL && y == NULL;
}

/* Reports what differs between the request built and the model, then aborts. */
static void mismatch(const char *what, const char *got, const char *want)
{
    fprintf(stderr, TARGET ": %s differs from the case\n  got:  %s\n  want: %s\n", what,
            got ? got : "(none)", want ? want : "(none)");
    abort();
}

static void check_request(const cf_fuzz_case *c)
{
    const cf_fuzz_model *m = &c->m;
    const cf_request *q = &c->q;
    if (!q->method || strcmp(q->method, c->op->method) != 0)
        mismatch("the method", q->method, c->op->method);
    if (!q->url || strcmp(q->url, m->url) != 0)
        mismatch("the URL", q->url, m->url);
    for (size_t i = 0; i < q->headers.count; i++) {
        const cf_header *h = &q->headers.items[i];
        if (strpbrk(h->name, "\r\n") || strpbrk(h->value, "\r\n"))
            mismatch("a header with CR/LF (injection)", h->value, NULL);
        if (i >= m->header_count)
            mismatch("an extra header", h->name, NULL);
        if (strcmp(h->name, m->headers[i].name) != 0 || strcmp(h->value, m->headers[i].value) != 0)
            mismatch(h->name, h->value, m->headers[i].value);
    }
    if (q->headers.count != m->header_count)
        mismatch("a missing header", NULL, m->headers[q->headers.count].name);
    if (c->mode == CF_FUZZ_BODY_NONE) {
        if (q->body || q->body_len)
            mismatch("the absent body", q->body, NULL);
    } else if (c->mode == CF_FUZZ_BODY_RAW) {
        if (!q->body || q->body_len != strlen(m->raw_body) || strcmp(q->body, m->raw_body) != 0)
            mismatch("the raw body", q->body, m->raw_body);
    } else {
        cJSON *back = NULL;
        char *want = cJSON_PrintUnformatted(m->body);
        if (!q->body || q->body_len != strlen(q->body))
            mismatch("the body length", q->body, want);
        if (cf_json_parse(q->body, q->body_len, CJSON_NESTING_LIMIT, &back, NULL) != CF_OK)
            mismatch("the body (not JSON)", q->body, want);
        if (!same_tree(back, m->body))
            mismatch("the JSON body", q->body, want);
        cJSON_free(want);
        cJSON_Delete(back);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cf_fuzz_case c;
    if (!cf_fuzz_case_build(&c, data, size))
        goto out;
    if (!c.m.ok) {
        if (c.rc != CF_E_INVALID || c.q.method || c.q.url || c.q.body || c.q.headers.count)
            cf_fuzz_fail(TARGET, "a case that must be refused was sent, or left half-built",
                         c.q.url);
        goto out;
    }
    if (c.rc != CF_OK)
        cf_fuzz_fail(TARGET, "a valid case was refused", c.err);
    check_request(&c);
out:
    cf_fuzz_case_cleanup(&c);
    return 0;
}
