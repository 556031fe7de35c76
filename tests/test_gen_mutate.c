/* test_gen_mutate.c - the fuzz mutators: deterministic per seed, bounded, and the schema-aware
 * and structural ones really leave the schema (checked by the validator). */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/json.h"
#include "gen/gen.h"
#include "gen/mutate.h"

static const char *body_text = "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1024,"
                               "\"AttachmentName\":\"a.txt\",\"ClientToken\":\"tok-1\","
                               "\"Tags\":[\"a\",\"b\",\"c\"]}";
static const char *schema_text =
    "{\"type\":\"object\",\"required\":[\"ContentType\",\"AttachmentSizeInBytes\","
    "\"AttachmentName\",\"ClientToken\",\"Tags\"],\"additionalProperties\":false,\"properties\":{"
    "\"ContentType\":{\"type\":\"string\",\"enum\":[\"text/plain\",\"image/png\"]},"
    "\"AttachmentSizeInBytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20971520},"
    "\"AttachmentName\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":256},"
    "\"ClientToken\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":500},"
    "\"Tags\":{\"type\":\"array\",\"maxItems\":3,\"items\":{\"type\":\"string\","
    "\"enum\":[\"a\",\"b\",\"c\"],\"minLength\":1}}}}";

typedef struct {
    cJSON *body, *schema;
    cf_schema *compiled;
    cf_mutate_options opt;
} fixture;

static void setup(fixture *f)
{
    f->body = cJSON_Parse(body_text);
    f->schema = cJSON_Parse(schema_text);
    cr_assert(f->body && f->schema);
    cr_assert_eq(cf_schema_compile(f->schema, NULL, &f->compiled), CF_OK);
    cr_assert_eq(cf_schema_check(f->compiled, f->body, CF_SCHEMA_ANY, "", NULL), 0);
    memset(&f->opt, 0, sizeof f->opt);
    f->opt.schema = f->schema;
}

static void teardown(fixture *f)
{
    cf_schema_free(f->compiled);
    cJSON_Delete(f->body);
    cJSON_Delete(f->schema);
}

static char *text_of(const cf_mutation *m)
{
    if (m->raw) {
        char *s = malloc(m->raw_len + 1);
        memcpy(s, m->raw, m->raw_len);
        s[m->raw_len] = '\0';
        return s;
    }
    return cJSON_PrintUnformatted(m->value);
}

Test(gen_mutate, one_seed_gives_the_same_mutations_another_other_ones, .timeout = 10)
{
    fixture f;
    setup(&f);
    cf_rng a, b, c;
    cf_rng_seed(&a, 99);
    cf_rng_seed(&b, 99);
    cf_rng_seed(&c, 100);
    size_t differ = 0;
    for (int i = 0; i < 300; i++) {
        cf_mutation ma, mb, mc;
        cr_assert_eq(cf_mutate(f.body, &f.opt, &a, &ma), CF_OK);
        cr_assert_eq(cf_mutate(f.body, &f.opt, &b, &mb), CF_OK);
        cr_assert_eq(cf_mutate(f.body, &f.opt, &c, &mc), CF_OK);
        char *ta = text_of(&ma), *tb = text_of(&mb), *tc = text_of(&mc);
        cr_expect_eq(ma.op, mb.op);
        cr_expect_str_eq(ma.where, mb.where);
        cr_expect_str_eq(ta, tb, "draw %d differs with one seed", i);
        differ += strcmp(ta, tc) != 0;
        free(ta);
        free(tb);
        free(tc);
        cf_mutation_cleanup(&ma);
        cf_mutation_cleanup(&mb);
        cf_mutation_cleanup(&mc);
    }
    cr_expect_gt(differ, 150, "another seed draws other mutations (%zu differ)", differ);
    teardown(&f);
}

Test(gen_mutate, every_mutator_is_drawn_and_named, .timeout = 10)
{
    fixture f;
    setup(&f);
    cf_rng r;
    cf_rng_seed(&r, 1);
    size_t seen[CF_MUT__COUNT] = {0};
    for (int i = 0; i < 2000; i++) {
        cf_mutation m;
        cr_assert_eq(cf_mutate(f.body, &f.opt, &r, &m), CF_OK);
        seen[m.op]++;
        cr_expect(m.value || m.raw, "a mutation has a result");
        cf_mutation_cleanup(&m);
    }
    for (int op = 0; op < CF_MUT__COUNT; op++) {
        cr_expect_gt(seen[op], 0, "%s never drawn", cf_mutator_name((cf_mutator)op));
        cr_expect_str_neq(cf_mutator_name((cf_mutator)op), "unknown");
    }
    teardown(&f);
}

Test(gen_mutate, schema_aware_and_structural_mutations_leave_the_schema, .timeout = 10)
{
    static const cf_mutator ops[] = {CF_MUT_PAST_BOUND, CF_MUT_OFF_ENUM, CF_MUT_DROP_MEMBER,
                                     CF_MUT_RETYPE};
    fixture f;
    setup(&f);
    cf_rng r;
    cf_rng_seed(&r, 5);
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t applied = 0;
        for (int i = 0; i < 200; i++) {
            cf_mutation m;
            cr_assert_eq(cf_mutate_with(ops[k], f.body, &f.opt, &r, &m), CF_OK);
            if (m.op == ops[k]) {
                applied++;
                char *t = cJSON_PrintUnformatted(m.value);
                cr_expect_gt(cf_schema_check(f.compiled, m.value, CF_SCHEMA_ANY, "", NULL), 0,
                             "%s at %s still valid: %s", cf_mutator_name(ops[k]), m.where, t);
                free(t);
            }
            cf_mutation_cleanup(&m);
        }
        cr_expect_gt(applied, 150, "%s applied only %zu times", cf_mutator_name(ops[k]), applied);
    }
    teardown(&f);
}

Test(gen_mutate, byte_mutations_change_one_byte_of_the_serialized_body, .timeout = 10)
{
    fixture f;
    setup(&f);
    char *orig = cJSON_PrintUnformatted(f.body);
    size_t len = strlen(orig);
    cf_rng r;
    cf_rng_seed(&r, 3);
    static const cf_mutator ops[] = {CF_MUT_BODY_FLIP, CF_MUT_BODY_INSERT, CF_MUT_BODY_DELETE};
    static const long delta[] = {0, 1, -1};
    for (size_t k = 0; k < 3; k++)
        for (int i = 0; i < 50; i++) {
            cf_mutation m;
            cr_assert_eq(cf_mutate_with(ops[k], f.body, &f.opt, &r, &m), CF_OK);
            cr_assert_not_null(m.raw);
            cr_expect_null(m.value);
            cr_expect_eq((long)m.raw_len - (long)len, delta[k]);
            if (ops[k] == CF_MUT_BODY_FLIP) {
                size_t differ = 0;
                for (size_t j = 0; j < len; j++)
                    differ += orig[j] != m.raw[j];
                cr_expect_eq(differ, 1, "a flip changes exactly one byte");
            }
            cf_mutation_cleanup(&m);
        }
    free(orig);
    teardown(&f);
}

Test(gen_mutate, results_past_the_size_bound_are_refused, .timeout = 10)
{
    fixture f;
    setup(&f);
    f.opt.max_len = 40; /* below the body's own size */
    cf_rng r;
    cf_rng_seed(&r, 8);
    for (int i = 0; i < 100; i++) {
        cf_mutation m;
        cf_rc rc = cf_mutate(f.body, &f.opt, &r, &m);
        if (rc == CF_OK) {
            char *t = text_of(&m);
            cr_expect_leq(strlen(t), 40);
            free(t);
        } else {
            cr_expect_eq(rc, CF_E_TOO_LARGE);
            cr_expect(!m.value && !m.raw && !m.where, "nothing is returned");
        }
        cf_mutation_cleanup(&m);
    }
    cf_mutation m;
    cr_expect_eq(cf_mutate(NULL, NULL, &r, &m), CF_E_INVALID);
    teardown(&f);
}

Test(gen_mutate, the_edge_dictionary_is_json_and_mutators_work_without_a_schema, .timeout = 10)
{
    for (size_t i = 0; i < cf_mutate_edge_count; i++) {
        cJSON *v = NULL;
        cr_expect_eq(cf_json_parse(cf_mutate_edges[i], strlen(cf_mutate_edges[i]), 64, &v, NULL),
                     CF_OK, "edge %s", cf_mutate_edges[i]);
        cJSON_Delete(v);
    }
    cJSON *body = cJSON_Parse("[1,{\"a\":\"x\"},\"y\"]");
    cf_rng r;
    cf_rng_seed(&r, 4);
    for (int op = 0; op < CF_MUT__COUNT; op++) {
        cf_mutation m;
        cr_expect_eq(cf_mutate_with((cf_mutator)op, body, NULL, &r, &m), CF_OK);
        cr_expect(m.value || m.raw);
        cf_mutation_cleanup(&m);
    }
    cf_mutation m;
    cJSON *scalar = cJSON_CreateNumber(3);
    cr_expect_eq(cf_mutate_with(CF_MUT_DROP_MEMBER, scalar, NULL, &r, &m), CF_OK);
    cr_expect_eq(m.op, CF_MUT_EDGE_VALUE, "nothing to drop: an edge value instead");
    cf_mutation_cleanup(&m);
    cJSON_Delete(scalar);
    cJSON_Delete(body);
}
