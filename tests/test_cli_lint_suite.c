/* test_cli_lint_suite.c - `conform lint` and `conform list` on suite v2 files: a good suite and
 * its contract are reported ok, a bad one exits 2 naming file, JSON Pointer and the fix, and
 * list shows the suite's contract, operations and cases with their tags. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_child.h"
#include "report_test.h"

#define EXAMPLES CONFORM_SOURCE_DIR "/specs/examples"
#define SUITE EXAMPLES "/posts.suite.json"

Test(cli_lint_suite, good_suite_is_ok_with_its_contract, .timeout = 30)
{
    const char *args[] = {"lint", SUITE, EXAMPLES "/posts.openapi.yaml", NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "stderr: %s", cf_buf_str(&p.err));
    cr_expect(strstr(cf_buf_str(&p.out), SUITE ": ok (suite v2, 2 cases; contract " EXAMPLES
                                               "/posts.openapi.yaml, 2 operations)\n"),
              "%s", cf_buf_str(&p.out));
    cr_expect(strstr(cf_buf_str(&p.out), "posts.openapi.yaml: ok (2 operations)"), "%s",
              cf_buf_str(&p.out));
    cf_child_cleanup(&p);
}

Test(cli_lint_suite, bad_suite_exits_two_naming_file_pointer_and_fix, .timeout = 30)
{
    char dir[64], path[128];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/bad.json", dir);
    cf_test_write_file(path,
                       "{\"conform\": 2, \"contract\": \"" EXAMPLES "/posts.openapi.yaml\",\n"
                       " \"cases\": [{\"id\": \"a\", \"operation\": \"getPots\", \"path\": {}},\n"
                       "  {\"id\": \"b\", \"operation\": \"getPost\"}]}");
    const char *args[] = {"lint", path, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 2);
    const char *err = cf_buf_str(&p.err);
    char want[512];
    snprintf(want, sizeof(want), "%s:/cases/0/operation: unknown operation \"getPots\"", path);
    cr_expect(strstr(err, want), "no \"%s\" in %s", want, err);
    cr_expect(strstr(err, "did you mean \"getPost\"?"), "%s", err);
    snprintf(want, sizeof(want), "%s:/cases/1: getPost's path /posts/{id} needs {id}", path);
    cr_expect(strstr(err, want), "no \"%s\" in %s", want, err);
    cr_expect(strstr(err, ": invalid (2 problems)"), "%s", err);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_lint_suite, list_shows_contract_operations_and_cases, .timeout = 30)
{
    const char *args[] = {"list", SUITE, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "stderr: %s", cf_buf_str(&p.err));
    cr_expect_str_eq(cf_buf_str(&p.out),
                     SUITE "\n"
                           "  title: Posts: create one, read it back, and a post that does not "
                           "exist\n"
                           "  contract: " EXAMPLES "/posts.openapi.yaml\n"
                           "  operation createPost: POST /posts\n"
                           "  operation getPost: GET /posts/{id}\n"
                           "  2 cases:\n"
                           "    create-then-get  [happy]  (createPost > getPost)  a created post "
                           "can be read back by the id the server gave it\n"
                           "    get-unknown  [not-found]  (getPost)  an id nobody created is not "
                           "found\n"
                           "2 tags: happy (1), not-found (1)\n");
    cf_child_cleanup(&p);
}
