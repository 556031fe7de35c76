/* main.c - conform's entry point: dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_head[] =
    "usage: conform <command> [options]\n"
    "\n"
    "commands:\n"
    "  run    [options] [SPEC|DIR]...   run spec cases against a target (default: the mock)\n"
    "  serve  --spec FILE [options]     serve a spec as a mock HTTP server\n"
    "  lint   FILE|DIR...               check contracts (OpenAPI, AWS models, v1 specs)\n"
    "  list   FILE|DIR...               list operations, cases and tags\n"
    "  fuzz   [options] FILE            fuzz one operation; findings replay with run\n";

static const char usage_tail[] =
    "`conform <command> --help` describes a command's options.\n"
    "exit status: 0 ok, 1 a check failed, 2 usage or spec error, 3 target unreachable,\n"
    "130 interrupted.\n";

/* Sorted by name; the options before the command. */
#define MAIN_OPTIONS(X)                                                                            \
    X(HELP, "help", 'h', no_argument, NULL, "this text (also: conform help)")                      \
    X(VERSION, "version", 0, no_argument, NULL, "print the version")

CF_CLI_COMMAND(main_command, MAIN_OPTIONS, "", usage_head, usage_tail);

static int dispatch(const cf_cli_parser *p, int argc, char **argv)
{
    const char *cmd = argv[0];
    if (strcmp(cmd, "help") == 0)
        return cf_cli_help(p);
    if (strcmp(cmd, "run") == 0)
        return cf_cli_run(argc, argv);
    if (strcmp(cmd, "serve") == 0)
        return cf_cli_serve(argc, argv);
    if (strcmp(cmd, "lint") == 0)
        return cf_cli_lint(argc, argv);
    if (strcmp(cmd, "list") == 0)
        return cf_cli_list(argc, argv);
    if (strcmp(cmd, "fuzz") == 0)
        return cf_cli_fuzz(argc, argv);
    fprintf(stderr, "conform: unknown command \"%s\"\n\n", cmd);
    cf_cli_help_print(p->cmd, stderr);
    return CF_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_parser_init(&p, &main_command, argc, argv);
    int id;
    while ((id = cf_cli_parser_next(&p)) != CF_CLI_END) {
        switch (id) {
        case CF_CLI_ERROR:
            return CF_EXIT_USAGE;
        case CF_CLI_ARG: /* the command: the rest of the line is its own */
            return dispatch(&p, argc - p.index, argv + p.index);
        case OPT_HELP:
            return cf_cli_help(&p);
        case OPT_VERSION:
            printf("conform %s\n", CONFORM_VERSION);
            return CF_EXIT_OK;
        }
    }
    cf_cli_help_print(&main_command, stderr);
    return CF_EXIT_USAGE;
}
