"""Row masks: the fast paths give exactly the rows a plain lookup gives."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core.masks import FilterMasks, code_mask


@settings(max_examples=200, deadline=None)
@given(lut=st.lists(st.booleans(), min_size=1, max_size=60), data=st.data(),
       dtype=st.sampled_from([np.int8, np.int16, np.int32]))
def test_a_code_mask_is_the_lookup_of_every_code(lut, data, dtype):
    """Few codes allowed, few not allowed, or many of each (the lookup): the same rows."""
    allowed = np.array(lut, dtype=bool)
    codes = np.array(data.draw(st.lists(st.integers(0, len(lut) - 1), max_size=50)), dtype=dtype)
    mask = code_mask(allowed, codes)
    assert mask.dtype == bool and mask.tolist() == allowed[codes].tolist()


def test_rows_without_a_column_ignore_only_its_own_filter():
    force = np.array([True, True, False, False, True])
    sex = np.array([True, False, True, False, True])
    masks = FilterMasks([("force", force), ("sex", sex)], np.arange(5))
    assert masks.rows.tolist() == [0, 4]
    assert masks.rows_without("force").tolist() == [0, 2, 4]
    assert masks.rows_without("sex").tolist() == [0, 1, 4]
    assert not masks.unfiltered and masks.constrains("sex") and not masks.constrains("age")
