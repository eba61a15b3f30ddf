"""The plain data between stages."""

import dataclasses

from provenance import model as model_module


def test_sentence_alignment_pickles_every_field():
    fields = [f.name for f in dataclasses.fields(model_module.SentenceAlignment)]
    row = model_module.SentenceAlignment(*range(len(fields)))
    constructor, arguments = row.__reduce__()
    assert constructor is model_module.SentenceAlignment and list(arguments) == list(range(len(fields)))
