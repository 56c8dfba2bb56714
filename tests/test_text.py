from evaluator.text import normalise_quote, split_sentences, word_count

TEXT = """Scale first. We have 3B users, so 600B events/day.
- Partition by event_date because advertisers query by day.
- Kafka, Flink, Spark, Iceberg, Presto

Then: dedupe on impression_id!"""


def test_sentences_are_exact_spans_of_the_text():
    sentences = split_sentences(TEXT)
    assert len(sentences) >= 4
    for s in sentences:
        assert TEXT[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_bullet_markers_are_trimmed():
    texts = [s.text for s in split_sentences(TEXT)]
    assert "Partition by event_date because advertisers query by day." in texts


def test_prose_vs_term_list():
    by_text = {s.text: s for s in split_sentences(TEXT)}
    assert by_text["Partition by event_date because advertisers query by day."].is_prose
    assert not by_text["Kafka, Flink, Spark, Iceberg, Presto"].is_prose


def test_run_on_list_of_terms_is_not_prose():
    s = split_sentences("Kafka Flink Spark Iceberg sharding caching partitioning SLA monitoring alerting lambda")[0]
    assert not s.is_prose


def test_word_count_and_quote_normalisation():
    assert word_count("one two, three") == 3
    assert normalise_quote("\u201cquoted\u201d   text\u2019s") == '"quoted" text\'s'
