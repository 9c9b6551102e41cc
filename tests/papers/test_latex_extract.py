"""Reading real papers' LaTeX sources (tests/data/latex/, the papers the extractor was
tuned on; see its README): tables, macros, abstract numbers, ranking and drafts."""

from __future__ import annotations

import gzip
import json
from functools import cache

import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.papers.claims import guess_direction
from starter.papers.latex.drafts import drafts, read_source
from starter.papers.latex.numbers import read_cell, read_pair

CORPUS = DATA / "latex"


@cache
def extraction(slug: str):
    return read_source((CORPUS / slug / "eprint.tar.gz").read_bytes())


def top(slug: str, limit: int = 15):
    return drafts(extraction(slug), None, limit)


def test_the_transformer_paper_ranks_its_own_rows_of_table_2_first():
    found = top("attention-is-all-you-need")
    first = [(d.row, d.column, d.claim.value_text) for d in found[:6]]
    assert first == [
        ("Transformer (base model)", "BLEU / EN-DE", "27.3"),
        ("Transformer (base model)", "BLEU / EN-FR", "38.1"),
        ("Transformer (base model)", "Training Cost (FLOPs)", "3.3e18"),
        ("Transformer (big)", "BLEU / EN-DE", "28.4"),
        ("Transformer (big)", "BLEU / EN-FR", "41.8"),
        ("Transformer (big)", "Training Cost (FLOPs)", "2.3e19"),
    ]
    big = found[3].claim
    assert big.source == (
        "Table 2 (tab:wmt-results), row 'Transformer (big)', column 'BLEU / EN-DE'; Abstract"
    )
    assert (found[3].file, found[3].line) == ("results.tex", 26)
    assert big.evidence.startswith("results.tex line 26: '28.4'")
    assert (big.confidence, big.unit, big.direction, big.value) == ("draft", "BLEU", "higher", 28.4)
    assert found[2].claim.value == 3.3e18 and found[2].claim.direction == "lower"


def test_abstract_numbers_with_a_metric_follow_the_main_table():
    found = top("attention-is-all-you-need")
    abstract = [(d.claim.value_text, d.claim.unit) for d in found if d.part == "abstract"]
    assert abstract == [("2", "BLEU"), ("3.5", "days")]  # 28.4 and 41.8 joined Table 2's
    assert all(d.file == "ms.tex" and d.line == 127 for d in found if d.part == "abstract")


def test_baselines_and_ablations_come_after_the_method():
    found = top("attention-is-all-you-need", None)
    baselines = [i for i, d in enumerate(found) if "baseline" in d.notes[0]]
    own = [i for i, d in enumerate(found) if "named after the method" in d.notes[0]]
    assert own and baselines and max(own) < min(baselines)
    assert "ByteNet" in [found[i].row for i in baselines]
    # Table 3 ("Variations on the Transformer architecture") studies the method's parts:
    # its rows come after the method's results in Tables 2 and 4.
    study = [i for i, d in enumerate(found) if "ablation" in d.notes[0]]
    parsing = [i for i, d in enumerate(found) if d.table_label == "tab:parsing-results"]
    assert study and parsing and max(parsing[:2]) < min(study)


def test_def_macros_inside_the_document_give_table_numbers_and_their_line():
    found = top("maskgit")
    fid = found[0]
    assert (fid.claim.value_text, fid.row, fid.column) == ("6.18", "MaskGIT (Ours)", "FID↓")
    assert (fid.file, fid.line) == ("figures/class_cond_table.tex", 93)
    assert fid.claim.direction == "lower"
    assert "ImageNet 256×256" in fid.claim.source  # the group row above
    cas = next(d for d in found if d.claim.value_text == "63.14")
    assert cas.column == "CAS × 100 ↑ / Top-1 (76.6)" and cas.claim.direction == "higher"


def test_commented_out_rows_and_settings_are_not_drafted():
    texts = {d.claim.value_text for d in top("maskgit")}
    assert "5.14" not in texts  # a commented-out row
    everything = {c.number.text for c in extraction("maskgit").candidates}
    assert "5.14" not in everything
    steps = [d for d in top("maskgit", None) if d.column == "# steps" and d.row == "MaskGIT (Ours)"]
    assert steps and all(d not in top("maskgit") for d in steps)  # settings rank low


def test_cut_rows_are_hidden_and_subscript_spreads_read():
    found = top("hyperbolic-normalizing-flows")
    assert [d.row for d in found[:6]] == ["𝒯C"] * 3 + ["𝒲ℍC"] * 3
    first = found[0].claim
    assert (first.value_text, first.aggregation.spread) == ("-54.9", 0.1)
    everything = {c.number.text for c in extraction("hyperbolic-normalizing-flows").candidates}
    assert "-55.6" not in everything  # the \cut{} P-VAE row
    assert "-55.8" not in everything
    mnist = next(d for d in top("hyperbolic-normalizing-flows", None) if d.column == "MNIST 2")
    assert mnist.claim.aggregation.n == 5  # "averaged over 5 runs" in the caption


def test_headers_stacked_between_rules_and_last_digit_uncertainty():
    found = top("mh-gan")
    first = next(d for d in found if d.row == "MH-GAN")
    assert (first.row, first.column, first.claim.value_text) == (
        "MH-GAN",
        "DCGAN / CIFAR-10",
        "3.113",
    )
    assert first.claim.aggregation.spread == pytest.approx(0.069)  # "3.113(69)"
    assert "p" not in {d.column.split(" / ")[-1] for d in found[:6]}  # p-values rank low


def test_newcommand_numbers_phantom_padding_and_dash_placeholders():
    found = top("parti")
    main = [(d.column, d.claim.value_text) for d in found if "coco_results" in d.claim.source]
    assert main == [
        ("MS-COCO FID (↓) / Zero-shot", "7.23"),
        ("MS-COCO FID (↓) / Finetuned", "3.22"),
        ("LN-COCO FID (↓) / Zero-shot", "15.97"),
        ("LN-COCO FID (↓) / Finetuned", "8.39"),
    ]
    assert found[0].claim.source.endswith("; Abstract")  # \fid{} in the abstract too


def test_claim_ids_are_unique_and_derived_from_column_and_row():
    ids = [d.claim.id for d in top("maskgit", None)]
    assert len(ids) == len(set(ids))
    assert ids[0] == "fid-maskgit-ours"


def test_every_corpus_source_reads_without_error():
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        result = extraction(folder.name)  # held-out papers too: read, never looked into
        assert result.main and result.kind == "tar"


def test_truth_of_the_tuned_papers_is_among_the_top_15():
    tune = json.loads((CORPUS / "SPLIT.json").read_text(encoding="utf-8"))["tune"]
    for slug in tune:
        truth = json.loads((CORPUS / slug / "truth.json").read_text(encoding="utf-8"))
        found = {(d.file, d.claim.value_text) for d in top(slug)}
        main = [item for item in truth if item["main_table"]]
        hits = [(i["file"], i["value_text"].replace("·10^", "e")) in found for i in main]
        # 15 drafts hold at most 15 of a larger main table's numbers.
        assert sum(hits) >= min(15, len(main)), (
            slug,
            [i for i, h in zip(main, hits, strict=True) if not h],
        )


def test_a_pdf_or_a_source_without_tables_says_so():
    assert read_source(b"%PDF-1.7 ...").message == (
        "the e-print is a PDF: the paper has no LaTeX source"
    )
    plain = b"\\documentclass{article}\\begin{document}We did it.\\end{document}"
    result = read_source(gzip.compress(plain))
    assert result.message and "no table" in result.message
    assert read_source(gzip.compress(b"just text")).message == "the e-print holds no LaTeX document"


@pytest.mark.parametrize(
    "text, printed, spread",
    [
        ("27.3", "27.3", None),
        ("-55.4_± 0.2", "-55.4", 0.2),
        ("3.3·10^18", "3.3e18", None),
        ("76.2 ± 0.3%", "76.2", 0.3),
        ("12.3 (0.4)", "12.3", 0.4),
        ("85.3 (+1.2)", "85.3", None),
        ("13.5B^†", "13.5", None),
    ],
)
def test_cells_read_as_printed(text, printed, spread):
    number = read_cell(text)
    assert number is not None and (number.text, number.spread) == (printed, spread)


@pytest.mark.parametrize("text", ["n/a", ">1024", "Top-1 (76.6)", "*", "(A)", ""])
def test_cells_that_are_not_numbers(text):
    assert read_cell(text) is None


@pytest.mark.parametrize(
    "header, direction",
    [("FID↓", "lower"), ("IS↑", "higher"), ("acc. (higher is better)", "higher"),
     ("negative log-likelihood", "lower"), ("BDP-2", None), ("top-1 error", "lower")],
)  # fmt: skip
def test_direction_from_arrows_and_header_words(header, direction):
    assert guess_direction(header) == direction


PIECES = [
    "\\begin{table}", "\\end{table}", "\\begin{tabular}{lcc}", "\\end{tabular}", "&", "\\\\",
    "\\hline", "\\multicolumn{2}{c}{", "\\multirow{2}{*}{", "}", "{", "$", "\\textbf{", "12.5",
    "-3", "\\pm", "Ours", "\\cite{x}", "%", "\n", "\\def\\a{\\a\\a}", "\\a",
    "\\newcommand{\\b}[1]{#1#1}",
    "\\b{\\b{\\b{7}}}", "\\input{main}", "\\caption{A}", "\\label{t}", "\\begin{abstract}",
    "\\end{abstract}", "We achieve 3.5 BLEU.", "\\iffalse", "\\fi", "\\section{Conclusion}",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_garbled_latex_never_crashes_the_extractor(pieces):
    body = "".join(pieces)
    text = f"\\documentclass{{article}}\\begin{{document}}{body}\\end{{document}}"
    result = read_source(gzip.compress(text.encode()))
    drafts(result, None, 15)


def test_a_transposed_main_table_gives_the_methods_columns_spread_over_its_groups():
    found = top("srgan-super-resolution")
    assert {d.table_label for d in found} == {"tab:performance"}  # not the loss ablation first
    assert {d.column for d in found} == {"SRResNet", "SRGAN"}
    assert [d.row for d in found[:3]] == ["PSNR", "PSNR", "PSNR"]  # Set5, Set14, BSD100 in turn
    assert "(Set14)" in found[1].claim.source and found[1].claim.metric == "PSNR"


def test_a_numeric_table_inside_a_figure_with_a_header_of_numbers_is_read():
    found = top("online-sinkhorn")
    assert [(d.row, d.column, d.claim.value_text) for d in found[:2]] == [
        ("Stanford", "4", "5.3"),
        ("Stanford", "3", "4.4"),
    ]
    assert found[0].table_label == "fig:warmup" and found[0].line == 138


def test_the_main_file_is_the_one_the_build_script_archives_and_cells_carry_units():
    result = extraction("graphics-programs-from-hand-drawings")
    assert result.main == "long.tex"  # makeArchive.sh copies long.tex, not paper.tex
    ours = [d for d in top("graphics-programs-from-hand-drawings") if d.row == "Ours"]
    assert [(d.claim.value_text, d.claim.unit) for d in ours] == [("28", "s"), ("2", "%")]


def test_the_makefile_and_tex_root_comments_name_the_main_file():
    assert extraction("online-sinkhorn").main == "article.tex"  # not rebuttal/...response.tex


def test_a_baseline_named_in_parentheses_is_not_the_method_and_intervals_are_not_results():
    result = extraction("physician-variability-hlr")
    assert "hlr" in result.names and "lr" not in result.names
    found = top("physician-variability-hlr")
    assert [(d.row, d.column, d.claim.value_text) for d in found[:3]] == [
        ("AUROC", "HLR", "0.81"),
        ("AUPRC", "HLR", "0.763"),
        ("ECE", "HLR", "0.07"),
    ]
    assert "95" not in [d.claim.value_text for d in found if d.part == "abstract"]


@pytest.mark.parametrize(
    "text, printed, unit",
    [("28 sec", "28", "s"), ("88s", "88", "s"), ("3.2 ms", "3.2", "ms"), ("31.5 dB", "31.5", "dB"),
     ("0.81 (0.80-0.82)", "0.81", None), ("0.81 [0.80, 0.82]", "0.81", None)],
)  # fmt: skip
def test_cells_with_a_unit_or_an_interval(text, printed, unit):
    number = read_cell(text)
    assert number is not None and (number.text, number.unit, number.spread) == (printed, unit, None)


def test_cells_printing_two_numbers():
    assert [n.text for n in read_pair("27.3 / 38.1") or ()] == ["27.3", "38.1"]
    assert read_pair("n/a") is None and read_pair("27.3") is None


def test_a_method_named_by_a_macro_and_an_a_slash_b_cell_give_two_drafts():
    tex = r"""\documentclass{article}\newcommand{\method}{FooNet}
\begin{document}\title{A study}\begin{abstract}We study things.\end{abstract}
\section{Results}
\begin{table}\caption{Results.}\label{tab:r}\begin{tabular}{lc}\toprule
Model & Acc / F1 \\ \midrule
Base \cite{x} & 70.1 / 60.2 \\
\method & \textbf{75.3} / \textbf{65.4} \\ \bottomrule
\end{tabular}\end{table}
We use \method{} here and \method{} there.
\end{document}"""
    result = read_source(gzip.compress(tex.encode()))
    assert "foonet" in result.names
    found = drafts(result, None, 2)
    assert [(d.row, d.claim.value_text) for d in found] == [("FooNet", "75.3"), ("FooNet", "65.4")]
    assert found[0].line == found[1].line == 7


def _titled(slug: str):
    """The source read as `starter new --extract` reads it: with the paper's title (the
    heading of the folder's SOURCE.md, without its venue)."""
    import re

    head = (CORPUS / slug / "SOURCE.md").read_text(encoding="utf-8").partition("\n")[0]
    title = re.sub(r"\s*\([^()]*\)\s*$", "", head.lstrip("# ").strip())
    return read_source((CORPUS / slug / "eprint.tar.gz").read_bytes(), title)


def test_tables_in_subfiles_that_are_documents_of_their_own_are_read():
    found = top("calamancy-tagalog-nlp")
    assert found and {d.table_label for d in found} == {"table:results"}
    assert {d.row for d in found} == {"tl_calamancy_md", "tl_calamancy_lg", "tl_calamancy_trf"}


def test_the_main_file_is_the_one_titled_like_the_paper_over_a_stale_makefile():
    # The Makefile builds the ICML version (another title); the card's title is NeurIPS's.
    assert extraction("plt-extreme-multilabel").main == "plt-vs-hsm.tex"
    assert _titled("plt-extreme-multilabel").main == "nips_submission.tex"
    # A title over two lines, and a supplement whose title quotes the paper's.
    assert _titled("mc-wnnm-color-denoising").main == "MCWNNM.tex"


def test_the_most_specific_name_wins_and_rows_numbered_by_an_index_keep_their_label():
    found = drafts(_titled("mc-wnnm-color-denoising"), None, 15)
    # not WNNM-1/2/3, its predecessors; the noise levels over the columns head them
    assert {d.column for d in found} == {"σ_r = 40, σ_g = 20, σ_b = 30 / MC-WNNM"}
    assert [d.row for d in found[:3]] == ["1", "2", "3"] and found[0].table_label == "t1"
    columns = {d.column for d in top("deepseek-v3")}
    assert all("DeepSeek-V3" in c for c in columns), columns  # never DeepSeek-V2's


def test_the_name_the_paper_calls_its_proposed_method_comes_first():
    # "our proposed ASR-BN-ROB model", "ASR-BN-ROB (Proposed)" anywhere in the paper, and
    # the abstract's first number (81.63) picks the DID table as the main one.
    found = drafts(_titled("respin-dialect-id-asr"), None, 9)
    assert {(d.row, d.table_label) for d in found} == {("ASR-BN-ROB", "tab:did_acc")}


def test_a_row_that_refers_to_the_papers_algorithm_is_its_own_and_subtables_keep_labels():
    # "\Cref{alg:full} & ..." prints "Algorithm 1"; two subfigure tabulars, two labels.
    found = top("robust-adaptive-control-beyond-quadratic", 6)
    assert {d.row for d in found} == {"Algorithm 1"}
    assert {d.table_label for d in found} == {"tab:obstacle", "tab:driving"}


def test_the_first_results_table_is_the_main_one_unless_the_abstract_says_otherwise():
    assert {d.table_label for d in top("apg-samplers", 9)} == {"table:log-joint-all"}
    assert {d.table_label for d in top("din-deep-interest-network", 8)} == {"table:exptablePublic"}


def test_a_speedup_of_one_is_the_reference_row_not_a_result():
    found = top("tmac-async-parallel-toolbox")
    assert not [d for d in found if "speedup" in (d.column or "") and d.claim.value == 1]


def test_stacked_cells_and_a_table_folded_into_two_halves():
    # "\databf{72.09}{61.17}{48.49}" stacks P@1, P@3 and P@5 in a nested tabular; each line
    # of the table holds two datasets ("Yahoo! & ... & RCV1 & ..."); "XMLC" spans both the
    # baseline's column (HSM) and the method's (PLT).
    found = drafts(_titled("plt-extreme-multilabel"), None, 15)
    assert {d.table_label for d in found} == {"tab:hsm_vs_plt"}
    assert {d.column.split(" / ")[-1] for d in found} == {"PLT"}
    yahoo = [d.claim.value_text for d in found if d.row == "Yahoo!"]
    assert yahoo[:3] == ["72.09", "61.17", "48.49"]
    assert "RCV1" in {d.row for d in found}
