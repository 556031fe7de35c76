/* test_gen_fuzz_plan.c - the plan of a `conform fuzz` campaign over a whole contract
 * (run/fuzz_plan.h): every operation seeded from its generated requests, producer steps set up
 * first, round robin, findings as suite v2 files naming the contract by relative path. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "run/fuzz_plan.h"
#include "suite/suite.h"

#define SERVICE CONFORM_SOURCE_DIR "/specs/connect-participant/connectparticipant-2018-09-07.json"
#define V1 CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define POSTS CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json"

static cf_suite *load(const char *file)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = NULL;
    cr_assert_eq(cf_suite_load_file(file, &s, &d), CF_OK, "%s", file);
    cf_diags_cleanup(&d);
    return s;
}

static const cf_fuzz_plan_op *op_of(const cf_fuzz_plan *p, const char *id)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->ops[i].op->id, id) == 0)
            return &p->ops[i];
    cr_assert_fail("no plan for %s", id);
    return NULL;
}

static const char *str_at(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    cr_assert(cJSON_IsString(v), "no \"%s\"", k);
    return v->valuestring;
}

Test(fuzz_plan, every_operation_seeded_behind_its_producers, .timeout = 30)
{
    cf_suite *s = load(SERVICE);
    cf_fuzz_plan p;
    cr_assert_eq(cf_fuzz_plan_build(s->api, 1, &p), CF_OK);
    cr_expect_eq(p.count, s->api->operation_count, "every operation of the contract");
    const cf_fuzz_plan_op *o = op_of(&p, "CreateParticipantConnection");
    cr_expect_null(o->setup, "it consumes what nobody makes");
    o = op_of(&p, "GetAttachment");
    cr_assert_eq(o->setup_count, 3);
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(o->setup, 0), "operation"),
                     "CreateParticipantConnection");
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(o->setup, 1), "operation"), "StartAttachmentUpload");
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(o->setup, 2), "operation"),
                     "CompleteAttachmentUpload");
    cr_expect_gt(o->valid_count, 0);
    for (size_t i = 0; i < o->seed_count; i++)
        cr_expect_str_eq(str_at(o->seeds[i], "operation"), "GetAttachment");
    /* A seed reads as the step the request builder takes. */
    cf_step step;
    cr_assert_eq(cf_gen_step_read(s->api, o->seeds[0], "fuzz", &step), CF_OK);
    cr_expect_eq(step.op, o->op);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(step.headers, "X-Amz-Bearer")->valuestring,
                     "{@ConnectionToken}", "bound to what the setup captures");
    free((void *)step.allow_codes);
    cJSON *bad = cJSON_Parse("{\"operation\": \"NoSuchOperation\"}");
    cr_expect_eq(cf_gen_step_read(s->api, bad, "x", &step), CF_E_INVALID);
    cr_expect_null(step.op);
    cJSON_Delete(bad);
    /* Round robin: n and n + count pick the same operation, every one gets its turn. */
    cr_expect_eq(cf_fuzz_plan_pick(&p, 3), cf_fuzz_plan_pick(&p, 3 + p.count));
    cr_expect_neq(cf_fuzz_plan_pick(&p, 0), cf_fuzz_plan_pick(&p, 1));
    cf_fuzz_plan_cleanup(&p);
    cf_fuzz_plan_cleanup(&p); /* cleaned twice: harmless */
    cf_suite_free(s);
}

/* GET /posts/{id} has no input but the id createPost makes: no single generated request ends
 * at it, so its one seed is the create-then-get sequence's last step, behind the create. */
Test(fuzz_plan, an_operation_with_only_a_consumed_id_is_seeded_by_its_sequence, .timeout = 30)
{
    cf_suite *s = load(POSTS);
    cf_fuzz_plan p;
    cr_assert_eq(cf_fuzz_plan_build(s->api, 1, &p), CF_OK);
    cr_expect_eq(p.count, 2, "both operations are fuzzed");
    const cf_fuzz_plan_op *o = op_of(&p, "getPost");
    cr_expect_eq(o->seed_count, 1);
    cr_expect_eq(o->valid_count, 1);
    cr_assert_eq(o->setup_count, 1);
    cr_expect_str_eq(str_at(cJSON_GetArrayItem(o->setup, 0), "operation"), "createPost");
    cr_expect_str_eq(str_at(o->seeds[0], "operation"), "getPost");
    cf_fuzz_plan_cleanup(&p);
    cf_suite_free(s);
}

Test(fuzz_plan, same_seed_same_plan, .timeout = 30)
{
    cf_suite *s = load(V1);
    cf_fuzz_plan a, b;
    cr_assert_eq(cf_fuzz_plan_build(s->api, 9, &a), CF_OK);
    cr_assert_eq(cf_fuzz_plan_build(s->api, 9, &b), CF_OK);
    cr_assert_eq(a.count, 1);
    cr_assert_eq(a.ops[0].seed_count, b.ops[0].seed_count);
    for (size_t i = 0; i < a.ops[0].seed_count; i++) {
        char *x = cJSON_PrintUnformatted(a.ops[0].seeds[i]);
        char *y = cJSON_PrintUnformatted(b.ops[0].seeds[i]);
        cr_expect_str_eq(x, y);
        free(x);
        free(y);
    }
    cf_fuzz_plan_cleanup(&a);
    cf_fuzz_plan_cleanup(&b);
    cf_suite_free(s);
}

Test(fuzz_plan, a_finding_is_a_suite_v2_file, .timeout = 10)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    const char *one = "{\"id\":\"fuzz.GetPet.status.5xx.500\",\"operation\":\"GetPet\","
                      "\"path\":{\"petId\":\"0\"},\"expect\":{\"error\":\"validation\"}}";
    cr_assert_eq(cf_fuzz_case_file_v2("../../specs/pets.json", NULL, one, &b), CF_OK);
    cJSON *doc = cJSON_Parse(cf_buf_str(&b));
    cr_assert_not_null(doc);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(doc, "conform")->valueint, 2);
    cr_expect_str_eq(str_at(doc, "contract"), "../../specs/pets.json");
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "cases"), 0);
    cr_expect_str_eq(str_at(c, "operation"), "GetPet");
    cJSON_Delete(doc);
    cf_buf_free(&b);
    cr_expect_eq(cf_fuzz_case_file_v2("x.json", NULL, "not json", &b), CF_E_INVALID,
                 "a case that is not an object is refused");
}

Test(fuzz_plan, relative_paths_to_the_contract, .timeout = 10)
{
    static const struct {
        const char *from, *to, *want;
    } rows[] = {
        {"/r/reports/fuzz", "/r/specs/a.json", "../../specs/a.json"},
        {"/r/specs", "/r/specs/a.json", "a.json"},
        {"/r/specs/./x/..", "/r/specs/b/c.yaml", "b/c.yaml"},
        {"/", "/a.json", "a.json"},
        {"/r", "/r", "."},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *got = cf_fuzz_relative_path(rows[i].from, rows[i].to);
        cr_expect_str_eq(got, rows[i].want, "%s -> %s", rows[i].from, rows[i].to);
        free(got);
    }
    char *rel = cf_fuzz_relative_path("reports", "specs/a.json");
    cr_expect_str_eq(rel, "../specs/a.json", "relative to the current folder");
    free(rel);
}
