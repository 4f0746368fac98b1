/* Structure file formats: one entry point that picks the format, and the readers and
 * writers of each format (one file each: poscar.c, extxyz.c, xsf.c, cif.c).
 *
 * Readers convert to internal units (bohr, Ha) and validate the structure with
 * ls_structure_check (finite numbers, non-singular cell, known elements, no two atoms
 * closer than LS_IO_MIN_DISTANCE_A).  Every error names the file and line and says
 * what was expected, with status LS_ERR_INPUT (or LS_ERR_IO when the file cannot be
 * opened).  Writers take a stream and a name for messages; ls_structure_write writes
 * files atomically.
 */
#ifndef LS_IO_H
#define LS_IO_H

#include <stdio.h>

#include "common/structure.h"

/* Atoms closer than this (Å) are rejected on reading as overlapping. */
#define LS_IO_MIN_DISTANCE_A 0.1

enum ls_format {
    LS_FORMAT_AUTO = 0, /* from the extension or the file name */
    LS_FORMAT_POSCAR,   /* VASP 5 POSCAR/CONTCAR (*.vasp, *.poscar, POSCAR*, CONTCAR*) */
    LS_FORMAT_EXTXYZ,   /* extended XYZ (*.xyz, *.extxyz), multi-frame */
    LS_FORMAT_XSF,      /* XCrySDen structure file (*.xsf) */
    LS_FORMAT_CIF       /* Crystallographic Information File (*.cif) */
};

/* "poscar", "vasp", "contcar", "extxyz", "xyz", "xsf", "cif" (case-insensitive). */
int ls_format_from_name(const char *name, enum ls_format *format);
/* From a path's extension or name; LS_ERR_INPUT naming the accepted extensions. */
int ls_format_guess(const char *path, enum ls_format *format);
const char *ls_format_name(enum ls_format format);

/* First (or only) frame of a file. */
int ls_structure_read(const char *path, enum ls_format format, ls_structure **out);
/* All frames (formats with one frame give a list of one). */
int ls_structures_read(const char *path, enum ls_format format, ls_structure_list **out);
/* Write one structure, or all frames (formats with one frame refuse more than one). */
int ls_structure_write(const char *path, enum ls_format format, const ls_structure *s);
int ls_structures_write(const char *path, enum ls_format format, const ls_structure_list *list);
/* Append one extended-XYZ frame to a file (created if absent). */
int ls_extxyz_append(const char *path, const ls_structure *s);

/* Per-format readers (path) and writers (stream; `name` for messages). */
int ls_poscar_read(const char *path, ls_structure **out);
int ls_poscar_write(FILE *fp, const char *name, const ls_structure *s);
int ls_extxyz_read(const char *path, ls_structure_list **out);
/* Frames from extended-XYZ text held in memory (a database column); `name` stands for the
 * file in messages. */
int ls_extxyz_read_text(const char *text, const char *name, ls_structure_list **out);
int ls_extxyz_write(FILE *fp, const char *name, const ls_structure *s); /* one frame */
int ls_xsf_read(const char *path, ls_structure **out);
int ls_xsf_write(FILE *fp, const char *name, const ls_structure *s);
int ls_cif_read(const char *path, ls_structure **out);
int ls_cif_write(FILE *fp, const char *name, const ls_structure *s);

#endif
