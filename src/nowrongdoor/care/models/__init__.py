"""SQLAlchemy 2 models of the care service.

Person-level text (names, birth dates, contacts, notes, plans) is stored in
encrypted columns (:class:`EncryptedText`, :class:`EncryptedJSON`); the engine from
:func:`nowrongdoor.care.db.make_engine` carries the key.

One private module a group of tables (``_case``, ``_person``, ``_referral``,
``_investigate`` ...), each naming what it offers in its ``__all__``; this
package is their one public face.
"""

from nowrongdoor.care.models import (
    _audit,
    _base,
    _case,
    _fhir_client,
    _fhir_link,
    _form_key,
    _investigate,
    _investigate_notes,
    _org,
    _partner,
    _person,
    _referral,
    _retention,
    _training,
)
from nowrongdoor.care.models._audit import *  # noqa: F403
from nowrongdoor.care.models._base import *  # noqa: F403
from nowrongdoor.care.models._case import *  # noqa: F403
from nowrongdoor.care.models._fhir_client import *  # noqa: F403
from nowrongdoor.care.models._fhir_link import *  # noqa: F403
from nowrongdoor.care.models._form_key import *  # noqa: F403
from nowrongdoor.care.models._investigate import *  # noqa: F403
from nowrongdoor.care.models._investigate_notes import *  # noqa: F403
from nowrongdoor.care.models._org import *  # noqa: F403
from nowrongdoor.care.models._partner import *  # noqa: F403
from nowrongdoor.care.models._person import *  # noqa: F403
from nowrongdoor.care.models._referral import *  # noqa: F403
from nowrongdoor.care.models._retention import *  # noqa: F403
from nowrongdoor.care.models._training import *  # noqa: F403

__all__ = [
    *_audit.__all__,
    *_base.__all__,
    *_case.__all__,
    *_fhir_client.__all__,
    *_fhir_link.__all__,
    *_form_key.__all__,
    *_investigate.__all__,
    *_investigate_notes.__all__,
    *_org.__all__,
    *_partner.__all__,
    *_person.__all__,
    *_referral.__all__,
    *_retention.__all__,
    *_training.__all__,
]
