/* Shared by the read-only outputs of campaign/ (report.c, export.c). */
#ifndef LS_CAMPAIGN_REPORT_IMPL_H
#define LS_CAMPAIGN_REPORT_IMPL_H

#include "common/db.h"

/* Create a folder (existing is fine): LS_ERR_IO naming it. */
int campaign_make_dir(const char *dir);
/* A query's rows as a CSV file (header from the column names), written atomically. */
int campaign_query_csv(ls_db *db, const char *sql, const char *path);

#endif
