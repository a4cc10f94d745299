"""Properties of the key format: generated keys are well-formed, and any one changed character is not."""

from hypothesis import given
from hypothesis import strategies as st

from jobriver.access import keys

prefixes = st.sampled_from([keys.COMPANY_KEY_PREFIX, keys.ADMIN_TOKEN_PREFIX])


@given(prefixes)
def test_generated_key_well_formed(prefix):
    key = keys.generate_key(prefix)

    assert len(key) == keys.KEY_LENGTH
    assert key.startswith(prefix)
    assert keys.is_well_formed(key, prefix)


@given(prefix=prefixes, data=st.data())
def test_changed_character_rejected(prefix, data):
    key = keys.generate_key(prefix)
    position = data.draw(st.integers(min_value=0, max_value=len(key) - 1))
    replacement = data.draw(st.characters().filter(lambda character: character != key[position]))

    changed = key[:position] + replacement + key[position + 1 :]

    assert not keys.is_well_formed(changed, prefix), (key, changed)


@given(prefixes)
def test_other_prefix_rejected(prefix):
    other = keys.ADMIN_TOKEN_PREFIX if prefix == keys.COMPANY_KEY_PREFIX else keys.COMPANY_KEY_PREFIX
    key = keys.generate_key(prefix)

    assert not keys.is_well_formed(key, other)


@given(st.text(max_size=60))
def test_random_text_rejected(text):
    # 60 random characters pass the 32-bit checksum with a chance of about 2**-32.
    assert keys.is_well_formed(text, keys.COMPANY_KEY_PREFIX) is False
