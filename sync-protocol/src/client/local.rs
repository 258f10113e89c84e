//! Optimistic local application of a pending mutation to the server's copy of a household.
//! Only for display: the server's merge decides what is stored.

use crate::v1::{FamilySnapshot, Fields, HouseholdSnapshot, MemberSnapshot, Op, ReviewStatus};

fn merge_into(target: &mut Fields, changes: &Fields) {
    for (name, value) in changes {
        if value.is_null() {
            target.remove(name);
        } else {
            target.insert(name.clone(), value.clone());
        }
    }
}

/// Applies `op` to the local view of its household.
pub(super) fn apply(view: &mut Option<HouseholdSnapshot>, op: &Op) {
    if let Op::CreateHousehold(c) = op {
        *view = Some(HouseholdSnapshot {
            id: c.household_id,
            area_code: c.area_code.clone(),
            form_id: c.form_id.clone(),
            form_version: c.form_version,
            version: 0,
            deleted: false,
            review_status: ReviewStatus::Pending,
            review: None,
            fields: c.fields.clone(),
            families: Vec::new(),
            members: Vec::new(),
            updated_at: chrono::Utc::now(),
        });
        return;
    }
    let Some(h) = view.as_mut() else { return };
    // As the server will (§11): an edit of a decided household sends it back to review.
    h.review_status = h.review_status.after_edit();
    match op {
        Op::CreateHousehold(_) | Op::RecordVisit(_) => {}
        Op::UpdateHousehold(u) => merge_into(&mut h.fields, &u.fields),
        Op::MoveHousehold(m) => h.area_code.clone_from(&m.area_code),
        Op::DeleteHousehold(_) => h.deleted = true,
        Op::AddMember(a) => h.members.push(MemberSnapshot {
            id: a.member_id,
            family_id: a.family_id,
            fields: a.fields.clone(),
            removed: false,
        }),
        Op::UpdateMember(u) => {
            if let Some(m) = h.members.iter_mut().find(|m| m.id == u.member_id) {
                merge_into(&mut m.fields, &u.fields);
            }
        }
        Op::RemoveMember(r) => {
            if let Some(m) = h.members.iter_mut().find(|m| m.id == r.member_id) {
                m.removed = true;
            }
        }
        Op::PutFamily(p) => match h.families.iter_mut().find(|f| f.id == p.family_id) {
            Some(f) => f.no_kk.clone_from(&p.no_kk),
            None => h.families.push(FamilySnapshot {
                id: p.family_id,
                no_kk: p.no_kk.clone(),
            }),
        },
    }
}
