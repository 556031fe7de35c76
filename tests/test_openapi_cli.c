/* test_openapi_cli.c - `conform lint` and `conform list` on OpenAPI documents: what a user sees,
 * and v1 spec files still taken by both. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_child.h"

#define V1_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"

static char path[64];

static void write_doc(const char *suffix, const char *text)
{
    /* The suffix matters to no loader; it is there for the reader of the messages. */
    snprintf(path, sizeof path, "/tmp/conform-oa-cli-%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
}

static void run(cf_child *p, const char *cmd, const char *file)
{
    const char *args[] = {cmd, file, NULL};
    cf_child_run(p, NULL, NULL, args);
}

static const char good[] =
    "openapi: 3.1.0\ninfo: {title: Posts, version: '1'}\npaths:\n"
    "  /posts:\n    post:\n      operationId: createPost\n"
    "      responses: {'201': {description: made}}\n"
    "  /posts/{id}:\n    get:\n      parameters: [{name: id, in: path}]\n"
    "      responses: {'200': {description: ok}, '404': {description: no}}\n";

Test(openapi_cli, lint_accepts_a_yaml_document_and_counts_operations, .timeout = 30)
{
    write_doc(".yaml", good);
    cf_child p;
    run(&p, "lint", path);
    cr_assert_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    cr_assert(strstr(cf_buf_str(&p.out), ": ok (2 operations)"), "%s", cf_buf_str(&p.out));
    cf_child_cleanup(&p);
    unlink(path);
}

Test(openapi_cli, list_prints_id_method_and_path_per_operation, .timeout = 30)
{
    write_doc(".yaml", good);
    cf_child p;
    run(&p, "list", path);
    cr_assert_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    char want[400];
    snprintf(
        want, sizeof want,
        "%s\n  operation createPost: POST /posts\n  operation GET /posts/{id}: GET /posts/{id}\n"
        "0 tags:\n",
        path);
    cr_assert_str_eq(cf_buf_str(&p.out), want);
    cf_child_cleanup(&p);
    unlink(path);
}

Test(openapi_cli, lint_refuses_naming_file_pointer_line_and_feature, .timeout = 30)
{
    write_doc(".yaml", "openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths:\n"
                       "  /posts/{post_id}:\n    get:\n      responses: {}\n");
    cf_child p;
    run(&p, "lint", path);
    cr_assert_eq(p.status, 2);
    char want[200];
    snprintf(want, sizeof want, "%s:/paths/~1posts~1{post_id}/get: path parameter {post_id}", path);
    cr_assert(strstr(cf_buf_str(&p.err), want), "%s", cf_buf_str(&p.err));
    cr_assert(strstr(cf_buf_str(&p.err), "(line 6, column 7)"), "%s", cf_buf_str(&p.err));
    cr_assert(strstr(cf_buf_str(&p.err), ": invalid (1 problems)"), "%s", cf_buf_str(&p.err));
    cf_child_cleanup(&p);
    unlink(path);
}

Test(openapi_cli, swagger_2_is_refused_by_lint_and_list, .timeout = 30)
{
    write_doc(".json", "{\"swagger\":\"2.0\",\"info\":{\"title\":\"T\",\"version\":\"1\"}}");
    const char *cmds[] = {"lint", "list"};
    for (int i = 0; i < 2; i++) {
        cf_child p;
        run(&p, cmds[i], path);
        cr_assert_eq(p.status, 2, "%s", cmds[i]);
        cr_assert(strstr(cf_buf_str(&p.err), "/swagger: Swagger 2.0 is not supported"), "%s",
                  cf_buf_str(&p.err));
        cf_child_cleanup(&p);
    }
    unlink(path);
}

Test(openapi_cli, v1_spec_files_are_still_taken, .timeout = 30)
{
    cf_child p;
    run(&p, "lint", V1_SPEC);
    cr_assert_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    cr_assert(strstr(cf_buf_str(&p.out), "start-attachment-upload.json: ok ("), "%s",
              cf_buf_str(&p.out));
    cf_child_cleanup(&p);
    run(&p, "list", V1_SPEC);
    cr_assert_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    cr_assert(strstr(cf_buf_str(&p.out), "\n  operation StartAttachmentUpload: POST "), "%s",
              cf_buf_str(&p.out));
    cf_child_cleanup(&p);
}
