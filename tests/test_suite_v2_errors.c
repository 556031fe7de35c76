/* test_suite_v2_errors.c - every class of bad suite v2 input is refused with a message that
 * names the file, the JSON Pointer and what to do. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "suite_util.h"

/* Loads the cases (suite_load_cases) and expects a refusal saying `says` at `path`. */
static void bad_cases(const char *cases, const char *path, const char *says)
{
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_cases(cases, &rc, &d, file);
    cr_expect_eq(rc, CF_E_INVALID, "%s", cases);
    cr_expect_null(s);
    suite_expect_diag(&d, file, path, says);
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

static void bad_suite(const char *text, const char *path, const char *says)
{
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_text(text, &rc, &d, file);
    cr_expect_neq(rc, CF_OK, "%s", text);
    suite_expect_diag(&d, file, path, says);
    cf_diags_cleanup(&d);
    cf_suite_free(s);
}

#define GET_1 "'operation': 'getPost', 'path': {'id': '1'}"

Test(suite_v2_errors, unknown_keys_list_the_allowed_ones, .timeout = 30)
{
    bad_suite("{'conform': 2, 'titel': 'x', 'contract': '" SUITE_POSTS
              "', 'cases': [{'id': 'a', " GET_1 "}]}",
              "/titel",
              "unknown key 'titel' here (allowed: conform, title, contract, variables, cases); "
              "did you mean 'title'?");
    bad_cases("{'id': 'a', " GET_1 ", 'expcet': {}}", "/cases/0/expcet", "did you mean 'expect'?");
    bad_cases("{'id': 'a', 'steps': [{'name': 's', " GET_1 ", 'captrue': {}}]}",
              "/cases/0/steps/0/captrue", "(allowed: name, operation, method, path");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'sucess': true}}", "/cases/0/expect/sucess",
              "did you mean 'success'?");
    bad_cases("{'id': 'a', " GET_1 ", 'request': {}}", "/cases/0/request",
              "unknown key 'request' here");
}

Test(suite_v2_errors, contract_problems, .timeout = 30)
{
    bad_suite("{'conform': 2, 'cases': []}", "/", "missing required member 'contract'");
    bad_suite("{'conform': 2, 'contract': 'no-such-file.yaml', 'cases': []}", "/contract",
              "cannot read the contract /tmp/no-such-file.yaml");
    bad_suite("{'conform': 2, 'contract': 7, 'cases': []}", "/contract", "must be a string");
    bad_suite("{'conform': 2, 'contract': '" CONFORM_SOURCE_DIR
              "/specs/examples/posts.suite.json', 'cases': []}",
              "/contract", "is a suite; 'contract' names a contract");
    bad_suite("{'conform': 2, 'contract': '" CONFORM_SOURCE_DIR "/README.md', 'cases': []}",
              "/contract", "did not load");
}

Test(suite_v2_errors, document_shape, .timeout = 30)
{
    bad_suite("{'conform': 2, 'contract': '" SUITE_POSTS "'}", "/",
              "missing required member 'cases'");
    bad_suite("{'conform': 2, 'contract': '" SUITE_POSTS "', 'cases': []}", "/cases",
              "a suite needs 1..");
    bad_suite("{'conform': 2, 'contract': '" SUITE_POSTS "', 'cases': [[]]}", "/cases/0",
              "a case must be an object");
    bad_suite("{'conform': 2, 'contract': 1, 'cases': [{'id': 'a' ]}", "",
              "not valid JSON");
}

Test(suite_v2_errors, operations, .timeout = 30)
{
    bad_cases("{'id': 'a', 'operation': 'getPots', 'path': {'id': '1'}}", "/cases/0/operation",
              "unknown operation 'getPots' in " SUITE_POSTS
              " (operations: createPost, getPost); did you mean 'getPost'?");
    bad_cases("{'id': 'a'}", "/cases/0",
              "missing 'operation': " SUITE_POSTS " has 2 operations; name the one this step "
              "calls (createPost, getPost)");
    bad_cases("{'id': 'a', 'operation': 'getPost', 'method': 'GE T', 'path': {'id': '1'}}",
              "/cases/0/method", "is not an HTTP method");
}

Test(suite_v2_errors, path_parameters, .timeout = 30)
{
    bad_cases("{'id': 'a', 'operation': 'getPost'}", "/cases/0",
              "path /posts/{id} needs {id}: add 'path': {'id': '...'}");
    bad_cases("{'id': 'a', 'operation': 'getPost', 'path': {'id': '1', 'post_id': '2'}}",
              "/cases/0/path/post_id",
              "'post_id' is not a path parameter of getPost: its path is /posts/{id}");
    bad_cases("{'id': 'a', 'operation': 'getPost', 'path': {'id': 1}}", "/cases/0/path/id",
              "must be a string (a template), not a number");
    bad_cases("{'id': 'a', " GET_1 ", 'query': {'n': 1}}", "/cases/0/query/n",
              "a query parameter must be a string (a template) or null");
}

Test(suite_v2_errors, captures_come_before_use, .timeout = 30)
{
    bad_cases("{'id': 'a', 'steps': ["
              "{'name': 'get', 'operation': 'getPost', 'path': {'id': '{@post_id}'}},"
              "{'name': 'create', 'operation': 'createPost', 'capture': {'post_id': '/id'}}]}",
              "/cases/0/steps/0/path/id",
              "{@post_id} is not captured by an earlier step of this case; capture it first");
    bad_cases("{'id': 'a', " GET_1 ", 'capture': {'x': 'id'}}", "/cases/0/capture/x",
              "must be a JSON Pointer ('/data/id') or 'header:Name'");
    bad_cases("{'id': 'a', " GET_1 ", 'capture': {'a b': '/id'}}", "/cases/0/capture/a b",
              "capture name 'a b' must be");
}

Test(suite_v2_errors, expectations, .timeout = 30)
{
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'error': 'not-fuond'}}", "/cases/0/expect/error",
              "'not-fuond' is neither a role (validation, auth, not-found, conflict, quota, "
              "throttle, internal) nor an error code of the contract (0 codes, see conform list); "
              "did you mean 'not-found'?");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'error': 'not-found', 'success': true}}",
              "/cases/0/expect", "'success': true contradicts 'error'");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {}}", "/cases/0/expect", "say what must come back");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'success': true, 'status': 700}}",
              "/cases/0/expect/status", "status must be an integer 100..599");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'error': 'auth', 'allow': ['not-found']}}",
              "/cases/0/expect/allow/0", "role 'not-found' has no error code in the contract");
    bad_cases("{'id': 'a', " GET_1 ", 'expect': {'success': true, 'equal': {'id': '1'}}}",
              "/cases/0/expect/equal/id", "is not a JSON Pointer");
}

Test(suite_v2_errors, bodies_and_headers, .timeout = 30)
{
    bad_cases("{'id': 'a', 'operation': 'createPost', 'body': {}, 'raw_body': 'x'}", "/cases/0",
              "give at most one of 'body', 'raw_body' and 'no_body'");
    bad_cases("{'id': 'a', 'operation': 'createPost', 'no_body': true, 'set': {'/a': 1}}",
              "/cases/0", "'set'/'remove' change a JSON body");
    bad_cases("{'id': 'a', " GET_1 ", 'headers': {'X-A': 'a\\r\\nX-B: b'}}", "/cases/0/headers/X-A",
              "CR or LF");
    bad_cases("{'id': 'a', " GET_1 ", 'headers': {'X-A': '{nobody}'}}", "/cases/0/headers/X-A",
              "{nobody} is not a variable; declare it in /variables");
}

Test(suite_v2_errors, scenarios, .timeout = 30)
{
    bad_cases("{'id': 'a', 'operation': 'createPost', 'steps': [{'name': 's', " GET_1 "}]}",
              "/cases/0/operation", "a scenario has 'steps'; move 'operation' into a step");
    bad_cases("{'id': 'a', 'steps': [{" GET_1 "}]}", "/cases/0/steps/0",
              "missing required member 'name'");
    bad_cases("{'id': 'a', 'steps': [{'name': 's', " GET_1 "}, {'name': 's', " GET_1 "}]}",
              "/cases/0/steps/1", "step name 's' is used twice");
    bad_cases("{'id': 'a', 'steps': []}", "/cases/0/steps", "a scenario needs 1..64 steps");
    bad_cases("{'id': 'a', " GET_1 "}, {'id': 'a', " GET_1 "}", "/cases/1",
              "case id 'a' is already used by /cases/0");
    bad_cases("{'id': 'a b', " GET_1 "}", "/cases/0/id", "must be 1..200 characters");
    bad_cases("{'id': 'a', " GET_1 ", 'parallel': 0}", "/cases/0/parallel",
              "parallel must be an integer 1..64");
}

Test(suite_v2_errors, variables, .timeout = 30)
{
    const char *head = "{'conform': 2, 'contract': '" SUITE_POSTS "', 'cases': [{'id': 'a', " GET_1
                       "}], 'variables': ";
    char text[1024];
    snprintf(text, sizeof text, "%s{'1x': {'default': 'a'}}}", head);
    bad_suite(text, "/variables/1x", "variable name '1x' must match [A-Za-z_][A-Za-z0-9_]*");
    snprintf(text, sizeof text, "%s{'x': {'defualt': 'a'}}}", head);
    bad_suite(text, "/variables/x/defualt", "did you mean 'default'?");
    snprintf(text, sizeof text, "%s{'x': 'a'}}", head);
    bad_suite(text, "/variables/x", "a variable is an object");
    snprintf(text, sizeof text, "%s{'x': {'secret': 'yes'}}}", head);
    bad_suite(text, "/variables/x/secret", "'secret' must be a boolean");
}

/* The steps of one scenario are bounded: 65 steps are refused, naming the limit. */
Test(suite_v2_errors, bounds, .timeout = 30)
{
    char cases[8192] = "{'id': 'a', 'steps': [";
    for (int i = 0; i < 65; i++) {
        char step[96];
        snprintf(step, sizeof step, "%s{'name': 's%d', " GET_1 "}", i ? "," : "", i);
        strcat(cases, step);
    }
    strcat(cases, "]}");
    bad_cases(cases, "/cases/0/steps", "a scenario needs 1..64 steps");
    char deep[300];
    memset(deep, '[', 200);
    deep[200] = '\0';
    char text[512];
    snprintf(text, sizeof text, "{'conform': 2, 'x': %s", deep);
    cf_diags d;
    cf_rc rc;
    char file[64];
    cf_suite *s = suite_load_text(text, &rc, &d, file);
    cr_expect_null(s);
    cr_expect_neq(rc, CF_OK, "no \"conform\": 2 object can be read from it");
    cf_diags_cleanup(&d);
}
