/* list.c - `conform list`: what a contract holds, one operation per line. */
#include <stdio.h>

#include "cli/cli.h"
#include "contract/api.h"
#include "contract/spec.h"

static const char usage_head[] =
    "usage: conform list FILE...\n"
    "\n"
    "Prints the operations of each contract (an OpenAPI 3.0 or 3.1 document, or a spec file\n"
    "of format v1) as FILE<TAB>OPERATION-ID<TAB>METHOD<TAB>PATH lines. Exit 0 when every file\n"
    "loads, 2 otherwise (the problems are printed as `conform lint` prints them).\n";

#define LIST_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(list_command, LIST_OPTIONS, "list", usage_head, NULL);

/* Lists one file; 0 when it loaded. */
static int list_file(const char *path)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_spec *spec = NULL;
    cf_rc rc = cf_api_load_file(path, &api, &d);
    if (rc == CF_OK) {
        for (size_t i = 0; i < api->operation_count; i++) {
            const cf_api_operation *op = &api->operations[i];
            printf("%s\t%s\t%s\t%s\n", path, op->id, op->method, op->path);
        }
    } else if (rc == CF_E_NOT_FOUND && (rc = cf_spec_load_file(path, &spec, &d)) == CF_OK) {
        printf("%s\t%s\t%s\t%s\n", path, spec->op.name, spec->op.method, spec->op.path);
    }
    if (rc != CF_OK) {
        cf_cli_print_diags(&d);
        if (d.count == 0)
            fprintf(stderr, "%s: %s\n", path, cf_strerror(rc));
    }
    cf_api_free(api);
    cf_spec_free(spec);
    cf_diags_cleanup(&d);
    return rc == CF_OK;
}

int cf_cli_list(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = cf_cli_parse_files(&p, &list_command, argc, argv);
    if (st != CF_CLI_GO_ON)
        return st;
    int bad = 0;
    for (size_t i = 0; i < p.arg_count; i++)
        bad += !list_file(p.args[i]);
    return bad ? CF_EXIT_USAGE : CF_EXIT_OK;
}
