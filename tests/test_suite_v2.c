/* test_suite_v2.c - suite v2 files that load: the worked example, steps bound to the operations
 * they name, captures, roles without codes, variables merged into the contract's, and the
 * contract kinds a suite may name (OpenAPI, overlay, v1 spec). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "suite_util.h"

#define EXAMPLE CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json"
#define CP CONFORM_SOURCE_DIR "/specs/connect-participant/"

/* Loads `path` and asserts it is clean: no error, no warning. */
static cf_suite *load_ok(const char *path)
{
    size_t findings = 0;
    cf_suite *s = suite_load_ok(path, &findings);
    cr_expect_eq(findings, 0, "a clean suite has no findings");
    return s;
}

static cf_suite *cases_ok(const char *cases)
{
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_cases(cases, &rc, &d, file);
    for (size_t i = 0; i < d.count; i++)
        fprintf(stderr, "%s:%s: %s\n", d.items[i].file, d.items[i].path, d.items[i].message);
    cr_assert_eq(rc, CF_OK, "%s", cases);
    cf_diags_cleanup(&d);
    return s;
}

Test(suite_v2, worked_example, .timeout = 30)
{
    cf_suite *s = load_ok(EXAMPLE);
    cr_expect_eq(s->kind, CF_SUITE_V2);
    cr_expect_str_eq(s->contract_file, CONFORM_SOURCE_DIR "/specs/examples/posts.openapi.yaml",
                     "the contract path is relative to the suite's folder");
    cr_assert_eq(s->api->operation_count, 2);
    cr_assert_eq(s->case_count, 2);
    const cf_case *flow = &s->cases[0];
    cr_expect_str_eq(flow->id, "create-then-get");
    cr_expect_str_eq(flow->file, EXAMPLE);
    cr_expect(flow->scenario);
    cr_assert_eq(flow->step_count, 2);
    cr_expect_str_eq(flow->steps[0].op->id, "createPost");
    cr_expect_str_eq(flow->steps[0].operation, "createPost");
    cr_expect_eq(flow->steps[0].status, 201);
    cr_expect_eq(flow->steps[0].outcome, CF_OUTCOME_SUCCESS);
    cr_expect_not_null(cJSON_GetObjectItem(flow->steps[0].capture, "post_id"));
    cr_expect_str_eq(flow->steps[1].op->id, "getPost");
    cr_expect_str_eq(cJSON_GetObjectItem(flow->steps[1].path_params, "id")->valuestring,
                     "{@post_id}");
    cr_expect_eq(flow->tag_count, 1);
    const cf_case *unknown = &s->cases[1];
    cr_expect_not(unknown->scenario);
    cr_assert_eq(unknown->step_count, 1);
    cr_expect_str_eq(unknown->steps[0].name, "get-unknown");
    cr_expect_eq(unknown->steps[0].outcome, CF_OUTCOME_ERROR);
    cr_expect_eq(unknown->steps[0].role, CF_API_ROLE_NOT_FOUND);
    cr_expect_null(unknown->steps[0].code, "the contract gives not-found no code: fine");
    cf_suite_free(s);
}

/* Every step member reaches the cf_step, and an omitted "expect" means success. */
Test(suite_v2, step_members, .timeout = 30)
{
    cf_suite *s =
        cases_ok("{'id': 'all', 'steps': ["
                 "{'name': 'a', 'operation': 'createPost', 'method': 'PUT', 'query': {'dry': 'yes',"
                 " 'page': null}, 'headers': {'X-Trace': '{$uuid}', 'Accept': null},"
                 " 'set': {'/title': 'x'}, 'remove': ['/author'], 'parallel': 3,"
                 " 'capture': {'id': '/id', 'loc': 'header:Location'}},"
                 "{'name': 'b', 'operation': 'getPost', 'path': {'id': '{@id}'}, 'no_body': true,"
                 " 'expect': {'success': false, 'status': 400, 'not_equal': {'/id': '{@loc}'},"
                 " 'check': 'posts.distinct'}},"
                 "{'name': 'c', 'operation': 'createPost', 'raw_body': '{\\'title\\': 1}',"
                 " 'expect': {'error': 'validation', 'consistent': ['/id']}}]}");
    const cf_step *a = &s->cases[0].steps[0];
    cr_expect_str_eq(a->method, "PUT");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(a->query, "page")));
    cr_expect_eq(a->parallel, 3);
    cr_expect_not_null(a->set);
    cr_expect_not_null(a->remove);
    cr_expect_eq(a->outcome, CF_OUTCOME_SUCCESS, "no expect: success expected");
    const cf_step *b = &s->cases[0].steps[1];
    cr_expect(b->no_body);
    cr_expect_eq(b->status, 400);
    cr_expect_str_eq(b->check, "posts.distinct");
    const cf_step *c = &s->cases[0].steps[2];
    cr_expect_str_eq(c->raw_body, "{\"title\": 1}");
    cr_expect_eq(c->role, CF_API_ROLE_VALIDATION);
    cf_suite_free(s);
}

/* Suite variables join the contract's (the suite's default wins) and templates may use them. */
Test(suite_v2, variables_merge, .timeout = 60)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{'conform': 2, 'title': 't', 'contract': '%s',"
             " 'variables': {'participant_token': {'default': 'mine'},"
             "               'post_title': {'default': 'hi', 'description': 'a title'}},"
             " 'cases': [{'id': 'c', 'operation': 'SendMessage',"
             "   'headers': {'X-Amz-Bearer': '{participant_token}'},"
             "   'body': {'ContentType': 'text/plain', 'Content': '{post_title}'}}]}",
             CP "connectparticipant.overlay.json");
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_text(text, &rc, &d, file);
    cr_assert_eq(rc, CF_OK);
    const cf_api_var *tok = cf_api_var_find(s->api, "participant_token");
    cr_assert_not_null(tok);
    cr_expect_str_eq(tok->default_value, "mine");
    cr_expect(tok->secret, "the overlay's secret stays secret");
    const cf_api_var *title = cf_api_var_find(s->api, "post_title");
    cr_assert_not_null(title);
    cr_expect_str_eq(title->description, "a title");
    cr_expect_not_null(cf_api_var_find(s->api, "view_token"), "the overlay's others remain");
    cr_expect_str_eq(s->cases[0].steps[0].op->id, "SendMessage");
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

/* A v1 spec may be the contract: one operation, so "operation" may be left out. */
Test(suite_v2, v1_spec_as_contract, .timeout = 30)
{
    char text[512];
    snprintf(text, sizeof text,
             "{'conform': 2, 'contract': '%s', 'cases': [{'id': 'one',"
             " 'expect': {'error': 'auth'}, 'headers': {'X-Amz-Bearer': null}}]}",
             CP "start-attachment-upload.json");
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_text(text, &rc, &d, file);
    cr_assert_eq(rc, CF_OK);
    cr_expect_not_null(s->v1, "the spec stays alive for the api that borrows from it");
    cr_expect_eq(s->api->source, CF_API_FROM_V1);
    cr_assert_eq(s->case_count, 1, "the spec's own cases are not the suite's");
    cr_expect_eq(s->cases[0].steps[0].op, &s->api->operations[0]);
    cr_expect_null(s->cases[0].steps[0].operation);
    cr_expect_not_null(s->cases[0].steps[0].code, "v1 auth has a code");
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

/* An unknown query parameter is sent (negative tests need it) but lint warns. */
Test(suite_v2, unknown_query_is_a_warning, .timeout = 30)
{
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_cases(
        "{'id': 'q', 'operation': 'getPost', 'path': {'id': '1'}, 'query': {'pgae': '2'}}", &rc, &d,
        file);
    cr_assert_eq(rc, CF_OK);
    suite_expect_diag(&d, file, "/cases/0/query/pgae", "warning: 'pgae' is not a query parameter");
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

/* The bundled Connect Participant suite: lint-clean, and every operation has its happy path,
 * its credential cases and a place in the flows. */
Test(suite_v2, connect_participant_service, .timeout = 60)
{
    cf_suite *s = load_ok(CP "service.json");
    cr_assert_eq(s->api->operation_count, 11);
    for (size_t i = 0; i < s->api->operation_count; i++) {
        const char *op = s->api->operations[i].id;
        char want[3][128];
        snprintf(want[0], sizeof want[0], "%s.happy", op);
        snprintf(want[1], sizeof want[1], "%s.auth.none", op);
        snprintf(want[2], sizeof want[2], "%s.auth.unknown", op);
        for (size_t w = 0; w < 3; w++) {
            const cf_case *found = NULL;
            for (size_t c = 0; c < s->case_count && !found; c++)
                if (strcmp(s->cases[c].id, want[w]) == 0)
                    found = &s->cases[c];
            cr_assert_not_null(found, "case %s", want[w]);
            const cf_step *last = &found->steps[found->step_count - 1];
            cr_expect_str_eq(last->op->id, op, "%s calls %s last", want[w], op);
            cr_expect_eq(last->outcome, w == 0 ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR);
            if (w)
                cr_expect_eq(last->role, CF_API_ROLE_AUTH, "%s", want[w]);
        }
    }
    size_t flows = 0;
    for (size_t c = 0; c < s->case_count; c++)
        flows += strncmp(s->cases[c].id, "flow.", 5) == 0;
    cr_expect_geq(flows, 4, "chat, pages, attachment, disconnect");
    cf_suite_free(s);
}
