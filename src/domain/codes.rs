//! One name per value of the domain's enums: the same in the database, in JSON
//! and kits, on the command line, and as the last part of its catalogue key
//! (`stage.meeting1`). Each enum lists its names once, in `coded!`.

/// A value with one stable name.
pub trait Coded: Copy + Eq + 'static {
    /// The catalogue's section for the words of these values.
    const SECTION: &'static str;
    const ALL: &'static [Self];

    fn code(self) -> &'static str;

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.code() == code)
    }
}

/// Implements `Coded`, `Serialize` and `Deserialize` from one list of names.
macro_rules! coded {
    ($ty:ident in $section:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $crate::domain::Coded for $ty {
            const SECTION: &'static str = $section;
            const ALL: &'static [$ty] = &[$($ty::$variant),+];

            fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::domain::Coded::code(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                let code = String::deserialize(deserializer)?;
                <$ty as $crate::domain::Coded>::from_code(&code)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&code, &[$($code),+]))
            }
        }
    };
}

pub(crate) use coded;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ppt::{ComplaintOutcome, DecisionOutcome, PptDeadlineKind, TrackState};
    use crate::domain::{
        AuditAction, CaseKind, ConsentGiver, DeadlineKind, DeadlineState, Decision, Difficulty, Done, FormState,
        Gender, Party, Role, Side, Stage, Status, TaskKind,
    };

    fn round_trip<T: Coded + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned>() {
        let mut seen = Vec::new();
        for value in T::ALL {
            let code = value.code();
            assert!(!seen.contains(&code), "{code} named twice");
            seen.push(code);
            assert_eq!(T::from_code(code), Some(*value));
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::json!(code));
            assert_eq!(serde_json::from_value::<T>(serde_json::json!(code)).unwrap(), *value);
        }
        assert_eq!(T::from_code("no such code"), None);
        assert!(serde_json::from_value::<T>(serde_json::json!("no such code")).is_err());
    }

    #[test]
    fn every_code_names_one_value_everywhere() {
        round_trip::<Stage>();
        round_trip::<CaseKind>();
        round_trip::<Gender>();
        round_trip::<Decision>();
        round_trip::<Status>();
        round_trip::<ConsentGiver>();
        round_trip::<DeadlineKind>();
        round_trip::<DeadlineState>();
        round_trip::<Difficulty>();
        round_trip::<FormState>();
        round_trip::<AuditAction>();
        round_trip::<Done>();
        round_trip::<Party>();
        round_trip::<Role>();
        round_trip::<TaskKind>();
        round_trip::<Side>();
        round_trip::<DecisionOutcome>();
        round_trip::<ComplaintOutcome>();
        round_trip::<TrackState>();
        round_trip::<PptDeadlineKind>();
        round_trip::<crate::documents::Format>();
    }

    #[test]
    fn every_value_has_words_in_both_catalogues() {
        fn words<T: Coded>(catalog: &crate::i18n::Catalog) {
            for value in T::ALL {
                let key = format!("{}.{}", T::SECTION, value.code());
                assert_ne!(catalog.t(&key), key, "{key} missing");
            }
        }
        for lang in [crate::i18n::Lang::Nb, crate::i18n::Lang::En] {
            let catalog = crate::i18n::Catalog::new(lang);
            words::<Stage>(&catalog);
            words::<CaseKind>(&catalog);
            words::<Gender>(&catalog);
            words::<Decision>(&catalog);
            words::<DeadlineKind>(&catalog);
            words::<DeadlineState>(&catalog);
            words::<Difficulty>(&catalog);
            words::<FormState>(&catalog);
            words::<AuditAction>(&catalog);
            words::<Done>(&catalog);
            words::<Party>(&catalog);
            words::<Role>(&catalog);
            words::<TaskKind>(&catalog);
            words::<Side>(&catalog);
            words::<DecisionOutcome>(&catalog);
            words::<ComplaintOutcome>(&catalog);
            words::<TrackState>(&catalog);
            words::<PptDeadlineKind>(&catalog);
        }
    }
}
