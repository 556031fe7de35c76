/* fuzz_gen.c - libFuzzer target: schema bytes -> cf_gen_schema -> every item held against a
 * validator compiled apart (positives pass, negatives fail, raw texts do not parse), names
 * unique, caps kept, a second run byte-identical; one mutation of a positive stays bounded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "gen/gen.h"
#include "gen/mutate.h"
#include "base/utf8.h"

/* Small enough that one input stays fast whatever its shape. */
#define FUZZ_GEN_ITEMS 256u
#define FUZZ_GEN_SCHEMA_MAX (64u * 1024u)
#define FUZZ_MUTATE_MAX 4096u

static size_t longest(const cJSON *v)
{
    size_t best = 0;
    if (cJSON_IsString(v)) {
        /* A schema's own strings (enum, examples) may be invalid UTF-8: count bytes then. */
        size_t n = strlen(v->valuestring);
        best = cf_utf8_length(v->valuestring, n);
        best = best == (size_t)-1 ? n : best;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        size_t k = longest(e);
        best = k > best ? k : best;
    }
    return best;
}

static void check(const cf_gen_list *l, const cJSON *schema, const cf_gen_options *o)
{
    cf_schema_options so = {o->dialect, NULL};
    cf_schema *s = NULL;
    if (cf_schema_compile(schema, &so, &s) != CF_OK)
        abort();
    if (l->count > FUZZ_GEN_ITEMS)
        abort();
    for (size_t i = 0; i < l->count; i++) {
        const cf_gen_item *it = &l->items[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->items[j].name, it->name) == 0)
                abort(); /* names are unique */
        if (it->valid != (it->kind != CF_GEN_NEGATIVE))
            abort();
        if (it->raw) {
            cJSON *parsed = NULL;
            if (cf_json_parse(it->raw, it->raw_len, CF_MAX_JSON_DEPTH, &parsed, NULL) == CF_OK)
                abort(); /* a malformed body that parses */
            continue;
        }
        if (!it->value)
            abort();
        if ((cf_schema_check(s, it->value, o->direction, "", NULL) == 0) != it->valid)
            abort(); /* the oracle: an item whose expectation the validator denies */
        if (longest(it->value) > CF_GEN_MAX_BOUND + 1)
            abort();
    }
    cf_schema_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *schema = NULL;
    if (size > FUZZ_GEN_SCHEMA_MAX ||
        cf_json_parse((const char *)data, size, CF_MAX_JSON_DEPTH, &schema, NULL) != CF_OK)
        return 0;
    cf_gen_options o = {0};
    o.seed = size;
    o.max_items = FUZZ_GEN_ITEMS;
    o.dialect = size & 1 ? CF_SCHEMA_OAS30 : CF_SCHEMA_2020_12;
    o.direction = size & 2 ? CF_SCHEMA_REQUEST : CF_SCHEMA_ANY;
    cf_gen_list a = {0}, b = {0};
    cf_rc rc = cf_gen_schema(schema, "Body", CF_GEN_IN_BODY, NULL, &o, &a);
    if (rc != CF_OK && rc != CF_E_NOMEM)
        abort();
    check(&a, schema, &o);
    /* Determinism: the same schema and seed write the same bytes. */
    if (cf_gen_schema(schema, "Body", CF_GEN_IN_BODY, NULL, &o, &b) == CF_OK && rc == CF_OK) {
        cf_buf ta, tb;
        cf_buf_init(&ta, 64u * 1024u * 1024u);
        cf_buf_init(&tb, 64u * 1024u * 1024u);
        if (cf_gen_list_write(&a, &ta) == CF_OK && cf_gen_list_write(&b, &tb) == CF_OK &&
            (ta.len != tb.len || memcmp(cf_buf_str(&ta), cf_buf_str(&tb), ta.len) != 0))
            abort();
        cf_buf_free(&ta);
        cf_buf_free(&tb);
    }
    for (size_t i = 0; i < a.count; i++) {
        if (a.items[i].kind != CF_GEN_POSITIVE || !a.items[i].value)
            continue;
        cf_rng r;
        cf_rng_seed(&r, size);
        cf_mutate_options mo = {schema, NULL, FUZZ_MUTATE_MAX};
        cf_mutation m;
        rc = cf_mutate(a.items[i].value, &mo, &r, &m);
        if (rc == CF_OK) {
            char *t = m.value ? cJSON_PrintUnformatted(m.value) : NULL;
            if ((t && strlen(t) > FUZZ_MUTATE_MAX) || (m.raw && m.raw_len > FUZZ_MUTATE_MAX))
                abort();
            free(t);
        } else if (rc != CF_E_TOO_LARGE && rc != CF_E_NOMEM) {
            abort();
        }
        cf_mutation_cleanup(&m);
        break;
    }
    cf_gen_list_cleanup(&a);
    cf_gen_list_cleanup(&b);
    cJSON_Delete(schema);
    return 0;
}
