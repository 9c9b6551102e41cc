"""Signals learned from the tune papers (tests/data/latex/SPLIT.json, tune3 onwards):
bold math cells, a paper's own style file, macros that hide text, test over validation,
rows that call themselves baselines, build-up rows, dataset names, settings tables, and
the LaTeX of tables as papers write them (tabu, superscript spreads, tables in halves)."""

from __future__ import annotations

import re
from functools import cache

from conftest import DATA

from starter.papers.latex.drafts import drafts, read_source
from starter.papers.latex.numbers import read_cell
from starter.papers.latex.tables import find_tables

CORPUS = DATA / "latex"


@cache
def extraction(slug: str, title: str = ""):
    return read_source((CORPUS / slug / "eprint.tar.gz").read_bytes(), title)


def top(slug: str, limit: int = 15, title: str = ""):
    return [d for d in drafts(extraction(slug, title), None, limit) if d.skipped is None]


def test_bold_math_cells_are_read_and_a_spelled_out_title_word_is_not_a_name():
    # "\bm{$0.638$}\tiny{$\pm 0.007$}" and a title "COntrastive LEarning ..."
    found = read_source(
        (CORPUS / "coles-contrastive-event-sequences" / "eprint.tar.gz").read_bytes(),
        "CoLES: COntrastive Learning for Event Sequences with Self-Supervision",
    )
    assert "contrastive" not in found.names
    first = [d for d in drafts(found, None, 15) if d.skipped is None][:5]
    assert [(d.table_label, d.row, d.claim.value_text) for d in first] == [
        ("tab-downstream-res-emb", "CoLES", text)
        for text in ("0.638", "0.843", "0.601", "0.539", "0.792")
    ]


def test_a_table_of_hyperparameters_gives_no_drafts():
    labels = {d.table_label for d in top("coles-contrastive-event-sequences")}
    assert "tab-hyper" not in labels  # "Hyper-parameters for CoLES training"


def test_shorthands_from_the_papers_own_style_file_are_expanded_and_exponents_kept():
    rows = {d.row for d in top("scaling-hidden-markov-language-models")}
    assert "VL-HMM |𝒵|=2^15" in rows  # \mcZ from mystyle.sty, $2^{15}$


def test_tables_input_inside_a_hiding_macro_are_not_in_the_paper():
    # \newcommand{\cut}[1]{} wraps a second \input of both results tables
    extracted = extraction("sans-structure-aware-negative-sampling-kg")
    tables = {c.table.index: c.table for c in extracted.candidates if c.table is not None}
    labels = [t.label for _, t in sorted(tables.items()) if not t.in_appendix]
    assert labels == ["tab:unisota_comp", "tab:comp_adv"]
    first = top("sans-structure-aware-negative-sampling-kg")[0]
    assert (first.table_label, first.row) == ("tab:unisota_comp", "Uniform SANS (ours)")


def test_the_test_set_table_beats_the_validation_one_and_a_baseline_row_is_not_the_method():
    found = top("dd3d-pseudo-lidar-monocular-3d-detection")
    assert {d.table_label for d in found[:12]} == {"table:kitti_3d_test"}
    assert {d.row for d in found[:12]} == {"Ours FCOS-3D", "Ours PL"}
    assert not any((d.row or "").startswith("Baseline") for d in found)


def test_a_dataset_the_paper_introduces_is_not_its_method_and_build_up_rows_follow_the_final():
    extracted = extraction("transform-and-tell-news-image-captioning")
    assert "nytimes800k" not in extracted.names
    found = top("transform-and-tell-news-image-captioning")
    assert [d.row for d in found[:7]] == ["+ copying"] * 7  # the bold row of each dataset
    assert found[0].claim.value_text == "24.2" and found[7].row == "+ copying"
    steps = [d for d in top("transform-and-tell-news-image-captioning", None) if d.row]
    assert {"+ weighted RoBERTa", "+ face attention"} <= {d.row for d in steps[:40]}


def test_a_duration_in_minutes_is_a_measurement_not_a_size():
    assert read_cell("50 m").unit == "m" and read_cell("50 m").suffix is None
    assert read_cell("50 M").suffix == "M"


def test_an_index_column_does_not_label_the_rows_and_sans_serif_labels_are_read():
    first = top("noisy-labels-clothing-classification")[0]
    assert (first.row, first.claim.value_text, first.table_label) == ("Ours", "78.24", "tab:exp")
    rows = [d.row for d in top("probabilistic-object-reconstruction-3dv")[:2]]
    assert rows == ["freiburg3_cabinet", "freiburg3_teddy"]  # \textsf{freiburg3\_cabinet}


def test_a_root_file_whose_preamble_is_an_input_is_the_main_file_over_a_rebuttal():
    extracted = extraction("shape-flow-dense-deformable-models")
    assert extracted.main == "paper_final.tex"  # \input{contents/header} holds \documentclass


def test_triangle_marks_after_numbers_and_two_tables_side_by_side_in_a_figure():
    cob = top("cob-representation-learning-clustering")[:3]
    assert [(d.row, d.column, d.claim.value_text) for d in cob] == [
        ("SBERT COB", "RI", "0.925"), ("SBERT COB", "ARI", "0.233"), ("SBERT COB", "NMI", "0.725"),
    ]  # fmt: skip
    meta = top("meta-optimal-transport", None)
    places = [(d.file, d.line, d.claim.value_text) for d in meta if d.part == "table"]
    assert len(places) == len(set(places))  # each cell once, under its own table


def test_without_a_name_the_titles_distinctive_words_find_the_methods_rows():
    extracted = extraction("mixture-of-tastes-recommendation")
    assert "mixture" in extracted.names and "models" not in extracted.names
    rows = {d.row for d in top("mixture-of-tastes-recommendation")[:9]}
    assert rows == {"Mixture-LSTM", "Projection Mixture", "Embedding Mixture"}


def test_precision_recall_and_f_columns_and_a_caption_naming_split_settings_are_results():
    event = top("event-extraction-without-annotated-text")[0]
    assert (event.table_label, event.column) == ("tab:1", "Event Classification / P")
    zest = top("zest-zero-shot-from-text-descriptions")[0]  # "... with two split settings."
    assert (zest.table_label, zest.row) == ("tab:results", "ZEST_similarity+VRS")


def test_a_column_of_spreads_beside_the_means_is_not_drafted():
    found = top("orl-rl-benchmarks-online-stochastic-optimization", None)
    means = [d for d in found if (d.column or "").endswith("/ μ")]
    spreads = [d for d in found if (d.column or "").endswith("/ σ")]
    assert means and spreads
    assert max(found.index(d) for d in means[:3]) < min(found.index(d) for d in spreads)


def test_a_raisebox_spread_and_a_title_in_an_included_file_over_a_response_letters():
    first = top("active-robotic-mapping-deep-rl")[0]  # $\mathbf{254.87} \ \rpm \ 47.26$
    assert (first.row, first.claim.value_text) == ("ResNet", "254.87")
    assert first.claim.aggregation.spread == 47.26
    assert extraction("coconut-flim-cnn-filters-from-markers").main in ("main.tex", "arxiv.tex")


def test_macros_that_spell_a_name_give_the_methods_name_and_a_cited_name_is_not_it():
    relax = extraction("relax-backprop-through-the-void")
    assert "relax" in relax.names and "rebar" not in relax.names  # REBAR~\cite{...}
    assert top("relax-backprop-through-the-void")[0].column == "RELAX"
    assert "tupa" in extraction("tupa-transition-based-dag-parser-ucca").names  # \parser{Sparse}


def test_the_column_naming_each_row_labels_them_not_one_grouping_them_or_spreads():
    first = top("distant-cto-distant-supervision-pico-ner")[0]
    assert first.row.endswith("(Our)") and first.column == "P"  # not the "WS" of "FS/WS/HS"
    rows = {d.row for d in top("dqn-generalization-regularization-atari-modes", None)}
    assert "m1d0" in rows and not any((r or "").startswith("(") for r in rows)  # not "(1.0)"


def test_base_models_shown_with_the_method_added_are_the_methods_rows():
    # "Falcon-7b" and "Falcon-7b-refined", "Mistral-7b" and "Mistral-7b-refined"
    rows = {d.row for d in top("redacted-contextual-qa-llm", 10)}
    assert rows == {"Falcon-7b-refined", "Mistral-7b-refined"}


def test_a_name_in_capitals_after_a_prefix_and_correlation_columns_are_results():
    # rows "wordGREEN" and "charGREEN"; columns "r" (Pearson) and "ρ" (Spearman)
    first = top("green-ngram-fscore-gec-evaluation")
    assert {(d.table_label, d.row) for d in first} == {
        ("tab:correlations", "wordGREEN"),
        ("tab:correlations", "charGREEN"),
    }
    assert {d.column.split(" / ")[-1] for d in first} == {"r", "ρ"}


def test_dashed_rules_between_rows_are_not_read_into_the_labels():
    # \cdashline{2-11} between the three images of one camera setting
    rows = [d.row for d in top("guided-internal-prior-real-noisy-image-denoising")]
    assert len(rows) == 15 and not any("2-11" in (r or "") for r in rows)


def test_a_caption_saying_the_method_outperforms_marks_the_main_table():
    # "Comparison of selection strategies: Our approach consistently outperforms ..." over
    # a table of examples the text refers to more often
    first = top("learn-how-to-choose-independent-vs-composite-detectors", 3)
    assert {d.table_label for d in first} == {"tab:performance_summary"}


def test_a_header_of_percentages_after_a_word_and_the_winning_rows_first():
    # " & \% seed & $0\%$ & $10\%$ ..." names the columns; no row names the method, and the
    # rows that print bold numbers (LSTM, GRU) come before the one that never does (DTW)
    first = top("asl-sign-language-rnn-3d-skeleton")
    table = [d for d in first if d.table_label == "table:result_table"]
    assert table[0].column == "0%" and {d.row for d in table} == {"LSTM", "GRU"}


def test_numbers_spanning_several_columns_are_a_header():
    # "Top & \multicolumn{2}{c}{5k} & \multicolumn{2}{c}{10k}" then "System & Baseline & DMRE"
    columns = {d.column for d in top("dmre-bayesian-decipherment-word-embeddings")}
    assert "Spanish/English / 5k / DMRE" in columns
    assert not any(c.endswith("Baseline") for c in columns if c)


def test_a_header_row_repeated_inside_the_table_renames_the_columns_below_it():
    # "& AvgMaxIoU (precision) & ..." then, after three rows, "& PercCorrect (precision) & ..."
    columns = [d.column for d in top("seethrough-chairs-occluded-indoor-scenes")[:13]]
    assert columns[:4] == [
        "AvgMaxIoU (precision)",
        "AvgMaxIoU (recall)",
        "AvgMaxIoU (F1)",
        "PercCorrect (precision)",
    ]
    assert columns[-1] == "AngleDiff (in degrees)"


def test_a_row_of_column_numbers_under_the_header_and_the_methods_best_rows_first():
    # "Method: & 25k Pittsburgh" then "recall@K [%] & 1 & 2 & 5 & 10 & 20"; rows FV128,
    # FV128 raw SVM, FV128 e-SVM (bold), FV512, FV512 e-SVM (bold), ...: "FV128" names "FV"
    # (the folder also holds the CVPR kit's example papers: the title picks the main file)
    title = "Fisher vector places: learning compact descriptors for place recognition"
    first = top("fisher-vector-places-compact-place-recognition", title=title)
    assert first[0].column == "25k Pittsburgh / 1"
    assert {d.row for d in first} == {"FV128 e-SVM", "FV512 e-SVM", "FV2048 e-SVM"}


def test_rows_under_the_papers_own_heading_are_its_own_but_not_its_baseline():
    # "\multicolumn{5}{c}{\textit{Our methods with Fisher vectors}}" over "Baseline
    # (Foreground)", "Foreground + SIFT" and "Foreground + SIFT + CamMotion"
    rows = {d.row for d in top("camera-motion-scene-context-action-recognition", 8)}
    assert rows == {"Foreground + SIFT", "Foreground + SIFT + CamMotion"}


def test_a_word_in_parentheses_after_a_number_is_a_note_on_it():
    assert read_cell("18.5 (d)").text == "18.5"  # "(d)": run from disk
    assert read_cell("241.4  (m)").value == 241.4
    assert read_cell("(crash)") is None


def test_two_minipages_each_captioned_and_labelled_under_their_tabular():
    labels = {d.table_label for d in top("deepspeech-layer-freezing-transfer-german-swiss", None)}
    assert {"tab:results-de", "tab:results-ch"} <= labels


def test_statistics_of_the_regrets_are_results_not_data():
    # "Statistics of the regrets of the benchmark functions" over "Optimization results of
    # the operational amplifier" (two rows of the method)
    labels = {d.table_label for d in top("mace-batch-bayesian-optimization-acquisition-ensemble")}
    assert labels == {"tab:result_analytical"}


def test_a_parbox_gives_its_text_not_its_width():
    # "\parbox{2cm}{\centering Thomas \etal \\(2007) \cite{...}}" rows, a "This paper" row
    first = top("gender-from-iris-or-mascara", 1)[0]
    assert (first.row, first.column, first.claim.value_text) == ("This paper", "Accuracy(%)", "66")


def test_a_tabu_table_is_read_with_its_threshold_row_as_header():
    # "\begin{tabu} to \textwidth {X[2l] || X[c]...}", "\tabucline-", and a row
    # "PCP threshold & 0.3 & 0.5 & 0.8 & 0.3 & 0.5 & 0.8" under "Upper arms" and "Lower arms"
    first = top("biposelets-human-pose-estimation-videos", 6)
    assert [(d.row, d.column, d.claim.value_text) for d in first[:3]] == [
        ("Biposelets", f"Upper arms / {t}", v)
        for t, v in (("0.3", "59.46"), ("0.5", "81.88"), ("0.8", "90.17"))
    ]


def test_the_file_named_main_is_the_paper_beside_another_full_version():
    # comet_main_NIPS.tex and comet_DND.tex: same title, different run times
    found = extraction("comet-metric-learning-one-feature-at-a-time")
    assert found.main == "comet_main_NIPS.tex"


def test_a_multirow_inside_a_multicolumn_names_the_rows_beside_a_metric_column():
    # "\multicolumn{1}{|l|}{\multirow{2}{*}{MetaDynaMix}} & ROC & ..." then "& ACC & ...",
    # in a float labelled "\label{table_publications}\label{tbl:auc}" (the text cites tbl:auc)
    first = top("metadynamix-relationship-prediction-dynamic-hin", 12)
    assert {(d.table_label, d.row) for d in first} == {("tbl:auc", "MetaDynaMix")}
    assert first[0].column == "Publications Network / t=3"


def test_a_blank_label_cell_repeats_the_label_above_within_its_block():
    # "MNIST & 1 & 5 & ..." then "     &   & 50 & ...": the same dataset, another setting
    rows = [d.row for d in top("renyi-divergence-variational-inference", 11)]
    assert rows.count("MNIST") == 4 and rows.count("OMNIGLOT") == 4 and "" not in rows


def test_superscript_spreads_and_two_halves_named_by_their_label_headers():
    # "\textbf{59.4}$^{\pm 1.5}$"; "\textbf{BAIR} & FVD↓ ... & \textbf{RoboNet} & FVD↓ ..."
    first = top("sampo-plus-plus-scale-wise-autoregressive-world-model", 2)
    assert [(d.row, d.column, d.claim.value_text) for d in first] == [
        ("SAMPO++ (Ours)", "BAIR / FVD↓", "59.4"),
        ("SAMPO++ (Ours)", "RoboNet / FVD↓", "49.8"),
    ]
    assert read_cell("59.4^± 1.5").spread == 1.5


def test_a_caption_comparing_with_other_systems_outweighs_different_settings():
    # "CoNLL test-b evaluation for recent competitive systems and our models, using
    # different alias-entity maps" is the main table, not the TAC table after it
    labels = {d.table_label for d in top("multi-focal-attention-collective-entity-resolution", 8)}
    assert labels == {"table:conll_results"}


def test_our_baseline_is_not_the_papers_method():
    rows = [d.row for d in top("multi-focal-attention-collective-entity-resolution", 15)]
    assert rows.index("Attention") < rows.index("Our baseline")


def test_a_short_name_for_the_titles_first_words_names_the_method():
    # "The results of semiparametric clustering (SP-B) are reported ..."
    found = extraction(
        "semiparametric-clustering-chronic-disease-dynamics",
        "Semiparametric Clustering Methods for Modeling Chronic Disease Dynamics",
    )
    assert found.names[0] == "sp b"
    first = [d for d in drafts(found, None, 3) if d.skipped is None]
    assert {(d.table_label, d.row) for d in first} == {("scBayestable", "SP-B")}


def test_a_lowercase_name_with_a_digit_is_the_method_the_paper_proposes():
    # "we propose \emph{lib2vec}, ..." and rows "lib2vec AVG", "lib2vec CON"
    found = extraction(
        "lib2vec-novel-views-multi-facet-long-text-embeddings",
        "Novel Views on Novels: Embedding Multiple Facets of Long Texts",
    )
    assert found.names[0] == "lib 2 vec"


def test_a_title_row_over_the_columns_is_part_of_their_header():
    # "\multicolumn{4}{c}{ROUGE-1}" then "System & Recall & Prec. & F_1", twice
    title = "Predicting Salient Updates for Disaster Summarization"
    columns = {d.column for d in top("salient-updates-disaster-summarization", 6, title)}
    assert {"ROUGE-1 / F_1", "ROUGE-2 / F_1"} <= columns


def test_a_row_of_settings_under_the_numbers_is_not_a_header():
    # "& $7.3\%$ & ..." then "& $\eps=0.02$ & $\eps=0.01$ & ..." for each graph
    first = [(d.row, d.column) for d in top("multi-dimensional-balanced-graph-partitioning-gd", 2)]
    assert ("Friendster", "BR") in first


def test_a_comparison_with_the_state_of_the_art_labelled_sota_is_the_main_table():
    # "Comparison of our defense with the state-of-the-art methods" (tab:sota), after four
    # tables of the method's own variants (tab:gaeff, tab:ics, ...)
    labels = {d.table_label for d in top("robust-deep-metric-learning-hardness-manipulation")}
    assert labels == {"tab:sota"}


def test_numbers_falling_alone_above_the_first_rule_head_the_columns():
    # "\gls{far} & 0.3 & 0.1 & 0.01 & 0.001 & 0.0001 \\ \midrule" over rows of scores
    doc = extraction("bfw-face-recognition-bias").doc
    table = next(t for t in find_tables(doc) if t.label == "tab:ethnicy-far")
    assert table.headers == ("far", "0.3", "0.1", "0.01", "0.001", "0.0001")


def test_a_cell_a_b_under_a_header_x_y_prints_two_numbers_not_a_spread():
    # "$17.31$ $(28.70)$" under "top$_1$ (top$_{10}$)"
    found = drafts(extraction("continuous-output-language-models-long-tail"), None, None)
    nyt = {d.column: d for d in found if d.table_label == "nyt" and d.row == "c_50"}
    assert nyt["top_1(top_10) / top_1"].claim.value_text == "17.31"
    assert nyt["top_1(top_10) / top_10"].claim.value_text == "28.70"
    assert nyt["top_1(top_10) / top_1"].claim.aggregation is None  # not a spread of 28.70


def test_an_approximate_number_is_read():
    # "$\sim \SI{2}{\day}$"
    assert read_cell("∼2").value == 2 and read_cell("≈ 3.5").value == 3.5
    assert read_cell("∼") is None


def test_a_cmidrule_trim_holding_a_group_prints_nothing():
    # "\cmidrule(r{1em}){2-4}\cmidrule(r{1em}){5-7}\cmidrule{8-10}" under the first header
    doc = extraction("modern-talking-key-point-matching").doc
    table = next(t for t in find_tables(doc) if t.label == "table-results")
    assert table.headers[:2] == ("Approach", "Strict / mAP")


def test_rules_with_widths_and_dash_patterns_print_nothing():
    # "\hdashline[0.5pt/1pt]", "\noalign{\vskip 1mm}", "\Xcline{2-4}{0.7pt}", "\midrule[0.4mm]"
    for slug, label in (
        ("patches-convolutional-kernel-methods", "cifar-acc-linear"),
        ("rl-query-reformulation-search-engines", "tab:results"),
        ("graph-matching-rl-vqa-soccer", "table:visual_tasks"),
    ):
        table = next(t for t in find_tables(extraction(slug).doc) if t.label == label)
        texts = [*table.headers, *(f"{r.label} {r.context}" for r in table.rows)]
        assert not any(re.search(r"\d(?:pt|mm)\b", text) for text in texts), (slug, texts)


def test_a_macro_that_inputs_a_file_named_by_its_argument_is_followed():
    # "\newcommand{\tablefile}[1]{\input{2021_naacl_multi_ance/tables/#1}}", "\tablefile{retrieval}"
    found = top("beamdr-beam-dense-retrieval-multi-hop-qa", 3)
    assert found and {d.table_label for d in found} == {"tb:retrieval_results"}
    assert all(d.file.endswith("tables/retrieval.tex") for d in found)


def test_a_count_then_its_rate_reads_as_the_rate():
    # "$(49/50)=0.98$"
    assert read_cell("(49/50)=0.98").text == "0.98" and read_cell("12/68") is None


def test_a_camel_case_name_after_we_introduce_a_is_the_method():
    # "we introduce a conditional alignDRAW model"
    found = extraction(
        "aligndraw-generating-images-from-captions-attention",
        "Generating Images from Captions with Attention",
    )
    assert found.names[0] == "align draw"
    assert {d.row for d in drafts(found, None, 6) if d.skipped is None} == {"alignDRAW"}


def test_a_name_in_small_capitals_is_read_as_capitals():
    # "\textsc{delft}" all through the text
    title = "Complex Factoid Question Answering with a Free-Text Knowledge Graph"
    rows = {d.row for d in top("delft-free-text-knowledge-graph-factoid-qa", 10, title)}
    assert rows and all("delft" in row.lower() for row in rows)


def test_uncredited_rows_beside_the_winning_row_come_before_those_far_from_it():
    # "No filtering", "h∘g∘f_1", ..., "+ PCA", "Averaging", "Full method" (bold): the steps
    # built up to the full method, the nearest first
    found = top("connectome-inference-partial-correlation-calcium-imaging")
    rows = [d.row for d in found if d.table_label == "tab:comparison"]
    assert rows[:8] == ["Full method"] * 8 and set(rows[8:]) == {"Averaging"}


def test_the_paper_with_its_supplement_is_the_main_file():
    # "autostat_main_and_supp.tex" beside "autostat_translation.tex" (main text only)
    assert extraction("abcd-automatic-statistician-regression").main == "autostat_main_and_supp.tex"


def test_a_number_pgf_parses_then_prints_reads_as_printed():
    # "\newcommand{\fmtResult}[1]{\pgfmathparse{#1}\pgfmathprintnumber[precision=3,
    # zerofill]{\pgfmathresult}}" and "\varStackexchangeLightFMTagsWarm{}" in the cells
    found = top("lightfm-metadata-embeddings-cold-start", None)
    assert ("LightFM (tags)", "CrossValidated / Warm", "0.675") in {
        (d.row, d.column, d.claim.value_text) for d in found
    }


def test_a_row_of_factors_of_one_is_the_baseline_row_not_a_header():
    # "Adam & 1x & 1x & ..." above "YF & 1.93x & ...": speedups over Adam
    doc = extraction("yellowfin-momentum-tuning").doc
    table = next(t for t in find_tables(doc) if t.label == "tab:iters_to_loss")
    assert table.headers[1] == "CIFAR10" and table.rows[0].label == "Adam"


def test_section_files_without_a_root_are_read_in_order():
    # sec/0_abstract.tex ... sec/X_suppl.tex and no file with \documentclass; the table has
    # "Model" (a \multirow: Wan 2.1 1.3B, ...) beside "Method" (Full, SVG2, ..., PSA(Ours))
    found = extraction("psa-pyramid-sparse-attention-video")
    assert found.main == "(the e-print's .tex files).tex"
    first = [d for d in drafts(found, None, 3) if d.skipped is None]
    assert {(d.row, d.file) for d in first} == {("PSA(Ours)", "sec/4_experiment.tex")}


def test_tabulars_set_side_by_side_in_a_tabular_are_each_a_table():
    # "\begin{tabular}{ll} \begin{tabular}{c c c} Accuracy ... \end{tabular} &
    # \begin{tabular}{c c} Forgetting ... \end{tabular} \end{tabular}"
    doc = extraction("sqm-online-learned-continual-compression").doc
    tables = [t for t in find_tables(doc) if t.label == "tab:cifar10_er_main"]
    assert len(tables) == 2 and tables[0].rows[-1].label == "SQM (ours)"
    assert tables[0].headers[1] == "Accuracy (↑) / M=20"


def test_the_method_less_some_of_its_parts_is_an_ablation():
    # "Lattice" above "Lattice -cl,ovr", "Lattice -ovr", ...
    title = (
        "Unsupervised Acquisition of Comprehensive Multiword Lexicons using Competition in an "
        "n-gram Lattice"
    )
    rows = {d.row for d in top("multiword-lexicon-ngram-lattice-competition", 12, title)}
    assert rows == {"Lattice"}
