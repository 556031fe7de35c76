/* lint.c - `conform lint`: checks spec files against the format, every error with its path. */
#include <stdio.h>

#include "cli/cli.h"
#include "contract/api.h"
#include "contract/aws.h"
#include "contract/spec.h"

static const char usage_head[] =
    "usage: conform lint FILE|DIR...\n"
    "\n"
    "Checks each contract: an OpenAPI 3.0 or 3.1 document (JSON or YAML), an AWS model\n"
    "(Smithy JSON AST or botocore, with the overlay beside it), an overlay (with the models it\n"
    "names) or a spec file of format v1 (specs/README.md). Each problem is printed as\n"
    "FILE:JSON-PATH: message (YAML: with its line and column). Exit 0 when every file is\n"
    "valid, 2 otherwise.\n";

#define LINT_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(lint_command, LINT_OPTIONS, "lint", usage_head, NULL);

/* An overlay is checked with the models its "models" list names; returns 1 when it is bad. */
static int lint_overlay(const char *path)
{
    cf_diags d;
    cf_diags_init(&d);
    size_t models = 0;
    cf_rc rc = cf_aws_lint_overlay(path, &models, &d);
    cf_cli_print_diags(&d);
    if (rc == CF_OK)
        printf("%s: ok (overlay, applied to %zu models)\n", path, models);
    else
        fprintf(stderr, "%s: invalid (%zu problems)\n", path,
                cf_diags_total(&d) ? cf_diags_total(&d) : 1);
    cf_diags_cleanup(&d);
    return rc != CF_OK;
}

int cf_cli_lint(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = cf_cli_parse_files(&p, &lint_command, argc, argv);
    if (st != CF_CLI_GO_ON)
        return st;
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs((const char *const *)p.args, p.arg_count, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    int bad = 0;
    for (size_t i = 0; i < paths.count; i++) {
        if (cf_aws_file_kind_of(paths.items[i]) == CF_AWS_FILE_OVERLAY) {
            bad += lint_overlay(paths.items[i]);
            continue;
        }
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cf_api *api = NULL;
        size_t count = 0;
        const char *what = "cases";
        cf_rc lrc = cf_api_load_file(paths.items[i], &api, &d);
        if (lrc == CF_OK) {
            count = api->operation_count;
            what = "operations";
        } else if (lrc == CF_E_NOT_FOUND) {
            lrc = cf_spec_load_file(paths.items[i], &spec, &d);
            count = spec ? spec->case_count : 0;
        }
        if (lrc == CF_OK) {
            /* Warnings (schemas no value can pass) do not make a contract invalid. */
            cf_cli_print_diags(&d);
            printf("%s: ok (%zu %s)\n", paths.items[i], count, what);
        } else {
            bad++;
            cf_cli_print_diags(&d);
            if (d.count == 0)
                fprintf(stderr, "%s: %s\n", paths.items[i], cf_strerror(lrc));
            fprintf(stderr, "%s: invalid (%zu problems)\n", paths.items[i],
                    cf_diags_total(&d) ? cf_diags_total(&d) : 1);
        }
        cf_api_free(api);
        cf_spec_free(spec);
        cf_diags_cleanup(&d);
    }
    cf_cli_paths_free(&paths);
    return bad ? CF_EXIT_USAGE : CF_EXIT_OK;
}
