"""Reading the training formats: CoNLL-2002 style BIO, Europeana without breaks, CoNLL-U."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from kernel.errors import InputError
from screening.training.corpora import bio_doc, read_bio, read_conllu, split_every


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bio_sentences_tags_upper_case_and_iob1_repaired(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        "-DOCSTART- -DOCSTART- O\n\nSanne I-per\nde I-per\nVries I-per\nwint O\n. O\n\n"
        "In O\nUtrecht B-loc\n",
    )
    sentences = read_bio(path)
    assert [s.words for s in sentences] == [
        ("Sanne", "de", "Vries", "wint", "."),
        ("In", "Utrecht"),
    ]
    assert sentences[0].tags == ("B-PER", "I-PER", "I-PER", "O", "O")
    assert sentences[1].tags == ("O", "B-LOC")


def test_bio_without_blank_lines_is_cut_after_full_stops(tmp_path: Path) -> None:
    text = "".join(
        f"{w} O\n"
        for w in ["Het", "regent", "al", "dagen", ".", "Morgen", "wordt", "het", "droog", "."]
    )
    sentences = read_bio(write(tmp_path, "e.bio", text))
    assert [len(s.words) for s in sentences] == [5, 5]


@pytest.mark.parametrize(
    ("line", "why"),
    [("Sanne\n", "token tag"), ("Sanne X-PER\n", "X-PER"), ("Sanne B-\n", "B-")],
)
def test_bio_bad_lines_name_file_and_line(tmp_path: Path, line: str, why: str) -> None:
    path = write(tmp_path, "bad.txt", "De O\n" + line)
    with pytest.raises(InputError) as err:
        read_bio(path)
    assert "bad.txt:2" in err.value.message("en")
    assert why in err.value.message("en")


def test_bio_doc_sets_entities(nlp_nl: Language, tmp_path: Path) -> None:
    sentence = read_bio(write(tmp_path, "a.txt", "Juf O\nAnna B-per\nlacht O\n"))[0]
    doc = bio_doc(nlp_nl.vocab, sentence)
    assert [(e.text, e.label_) for e in doc.ents] == [("Anna", "PER")]


CONLLU = """# sent_id = 1
# text = Mijn basisniveau is flink omhoog gegaan.
1\tMijn\tmijn\tPRON\t_\tPerson=1|Poss=Yes\t2\tnmod:poss\t_\t_
2\tbasisniveau\tbasis_niveau\tNOUN\t_\tNumber=Sing\t6\tnsubj\t_\t_
3\tis\tzijn\tAUX\t_\t_\t6\taux\t_\t_
4\tflink\tflink\tADJ\t_\t_\t6\tadvmod\t_\t_
5\tomhoog\tomhoog\tADV\t_\t_\t6\tadvmod\t_\t_
6\tgegaan\tgaan\tVERB\t_\tVerbForm=Part\t0\troot\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t_\t_\t6\tpunct\t_\t_

"""


def test_conllu_layers_and_joined_compound_lemmas(nlp_nl: Language, tmp_path: Path) -> None:
    (doc,) = list(read_conllu(write(tmp_path, "a.conllu", CONLLU), nlp_nl.vocab))
    assert doc.text == "Mijn basisniveau is flink omhoog gegaan."
    assert doc[1].lemma_ == "basisniveau"  # Alpino's "basis_niveau"
    assert doc[5].dep_ == "ROOT" and doc[5].head.i == 5
    assert doc[1].head.i == 5 and doc[1].dep_ == "nsubj"
    assert doc[0].pos_ == "PRON" and str(doc[0].morph) == "Person=1|Poss=Yes"


def test_split_every_tenth_goes_to_dev() -> None:
    train, dev = split_every(list(range(25)))
    assert dev == [9, 19]
    assert len(train) == 23
