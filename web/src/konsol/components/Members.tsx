import type { FormDefinition, HouseholdSnapshot } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { maskIdentity } from "../../common/format";
import { answerText } from "./Answers";

/** Members and families (Kartu Keluarga). NIK and No KK are shown whole only to those who may
 * verify them; the others see them masked. */
export function Members(props: {
  form: FormDefinition;
  household: HouseholdSnapshot;
  showIdentity: boolean;
  noted?: Set<string>;
}) {
  const field = (name: string) => props.form.member_fields.find((f) => f.name === name);
  const identity = (value: unknown) => {
    if (typeof value !== "string") return id.household.unknownValue;
    return props.showIdentity ? value : maskIdentity(value);
  };
  const families = new Map(props.household.families.map((f) => [f.id, f]));
  return (
    <>
      <section aria-labelledby="anggota">
        <h2 id="anggota">{id.household.members}</h2>
        <div class="scroll" tabIndex={0} role="region" aria-label={id.household.members}>
          <table>
            <thead>
              <tr>
                <th scope="col">{id.household.name}</th>
                <th scope="col">{id.household.nik}</th>
                <th scope="col">{id.household.relation}</th>
                <th scope="col">{id.household.sex}</th>
                <th scope="col">{id.household.birthDate}</th>
                <th scope="col">{id.household.noKk}</th>
              </tr>
            </thead>
            <tbody>
              {props.household.members.map((m) => {
                const family = m.family_id ? families.get(m.family_id) : undefined;
                return (
                  <tr
                    key={m.id}
                    class={[m.removed ? "removed" : "", props.noted?.has(m.id) ? "noted" : ""].join(" ")}
                  >
                    <td>
                      {answerText(field("nama"), m.fields.nama)}
                      {m.removed && <span class="sub"> ({id.household.removed})</span>}
                    </td>
                    <td class="mono">{identity(m.fields.nik)}</td>
                    <td>{answerText(field("hubungan_kepala"), m.fields.hubungan_kepala)}</td>
                    <td>{answerText(field("jenis_kelamin"), m.fields.jenis_kelamin)}</td>
                    <td>{answerText(field("tanggal_lahir"), m.fields.tanggal_lahir)}</td>
                    <td class="mono">{family?.no_kk ? identity(family.no_kk) : id.app.none}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
