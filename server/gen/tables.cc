#include "gen/tables.h"

#include <array>
#include <vector>

namespace rounds::gen {
namespace {

using F = Family;

constexpr Specialty kSpecialties[] = {
    {"207Q00000X", "Family Medicine Physician", "Allopathic & Osteopathic Physicians|Family Medicine",
     "Family Practice", "FAMILY MEDICINE", Family::kPrimaryCare, Kind::kMD, 9.0},
    {"207R00000X", "Internal Medicine Physician", "Allopathic & Osteopathic Physicians|Internal Medicine",
     "Internal Medicine", "INTERNAL MEDICINE", Family::kPrimaryCare, Kind::kMD, 9.0},
    {"208D00000X", "General Practice Physician", "Allopathic & Osteopathic Physicians|General Practice",
     "General Practice", "GENERAL PRACTICE", Family::kPrimaryCare, Kind::kMD, 0.6},
    {"208000000X", "Pediatrics Physician", "Allopathic & Osteopathic Physicians|Pediatrics", "Pediatric Medicine",
     "PEDIATRIC MEDICINE", Family::kPediatrics, Kind::kMD, 3.8},
    {"207RG0300X", "Geriatric Medicine (Internal Medicine) Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Geriatric Medicine", "Geriatric Medicine",
     "GERIATRIC MEDICINE", Family::kPrimaryCare, Kind::kMD, 0.4},
    {"207QG0300X", "Geriatric Medicine (Family Medicine) Physician",
     "Allopathic & Osteopathic Physicians|Family Medicine|Geriatric Medicine", "Geriatric Medicine",
     "GERIATRIC MEDICINE", Family::kPrimaryCare, Kind::kMD, 0.1},
    {"363LF0000X", "Family Nurse Practitioner",
     "Physician Assistants & Advanced Practice Nursing Providers|Nurse Practitioner|Family", "Nurse Practitioner",
     "NURSE PRACTITIONER", Family::kPrimaryCare, Kind::kNP, 9.0},
    {"363L00000X", "Nurse Practitioner",
     "Physician Assistants & Advanced Practice Nursing Providers|Nurse Practitioner", "Nurse Practitioner",
     "NURSE PRACTITIONER", Family::kPrimaryCare, Kind::kNP, 4.0},
    {"363LA2200X", "Adult Health Nurse Practitioner",
     "Physician Assistants & Advanced Practice Nursing Providers|Nurse Practitioner|Adult Health", "Nurse Practitioner",
     "NURSE PRACTITIONER", Family::kPrimaryCare, Kind::kNP, 2.0},
    {"363LP0808X", "Psychiatric/Mental Health Nurse Practitioner",
     "Physician Assistants & Advanced Practice Nursing Providers|Nurse Practitioner|Psychiatric/Mental Health",
     "Nurse Practitioner", "NURSE PRACTITIONER", Family::kPsych, Kind::kNP, 1.6},
    {"363LW0102X", "Women's Health Nurse Practitioner",
     "Physician Assistants & Advanced Practice Nursing Providers|Nurse Practitioner|Women's Health",
     "Nurse Practitioner", "NURSE PRACTITIONER", Family::kObGyn, Kind::kNP, 0.5},
    {"363A00000X", "Physician Assistant",
     "Physician Assistants & Advanced Practice Nursing Providers|Physician Assistant", "Physician Assistant",
     "PHYSICIAN ASSISTANT", Family::kPrimaryCare, Kind::kPA, 5.5},
    {"363AM0700X", "Medical Physician Assistant",
     "Physician Assistants & Advanced Practice Nursing Providers|Physician Assistant|Medical", "Physician Assistant",
     "PHYSICIAN ASSISTANT", Family::kPrimaryCare, Kind::kPA, 1.5},
    {"207P00000X", "Emergency Medicine Physician", "Allopathic & Osteopathic Physicians|Emergency Medicine",
     "Emergency Medicine", "EMERGENCY MEDICINE", Family::kEmergency, Kind::kMD, 3.2},
    {"207L00000X", "Anesthesiology Physician", "Allopathic & Osteopathic Physicians|Anesthesiology", "Anesthesiology",
     "ANESTHESIOLOGY", Family::kAnesthesia, Kind::kMD, 2.8},
    {"2085R0202X", "Diagnostic Radiology Physician",
     "Allopathic & Osteopathic Physicians|Radiology|Diagnostic Radiology", "Diagnostic Radiology",
     "DIAGNOSTIC RADIOLOGY", Family::kRadiology, Kind::kMD, 2.0},
    {"207V00000X", "Obstetrics & Gynecology Physician", "Allopathic & Osteopathic Physicians|Obstetrics & Gynecology",
     "Obstetrics & Gynecology", "OBSTETRICS/GYNECOLOGY", Family::kObGyn, Kind::kMD, 2.2},
    {"207VG0400X", "Gynecology Physician", "Allopathic & Osteopathic Physicians|Obstetrics & Gynecology|Gynecology",
     "Obstetrics & Gynecology", "OBSTETRICS/GYNECOLOGY", Family::kObGyn, Kind::kMD, 0.2},
    {"2084P0800X", "Psychiatry Physician", "Allopathic & Osteopathic Physicians|Psychiatry & Neurology|Psychiatry",
     "Psychiatry", "PSYCHIATRY", Family::kPsych, Kind::kMD, 2.3},
    {"2084P0804X", "Child & Adolescent Psychiatry Physician",
     "Allopathic & Osteopathic Physicians|Psychiatry & Neurology|Child & Adolescent Psychiatry", "Psychiatry",
     "PSYCHIATRY", Family::kPsych, Kind::kMD, 0.4},
    {"208600000X", "Surgery Physician", "Allopathic & Osteopathic Physicians|Surgery", "General Surgery",
     "GENERAL SURGERY", Family::kSurgery, Kind::kMD, 1.8},
    {"207RC0000X", "Cardiovascular Disease Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Cardiovascular Disease", "Cardiology",
     "CARDIOVASCULAR DISEASE (CARDIOLOGY)", Family::kCardio, Kind::kMD, 1.8},
    {"207RI0011X", "Interventional Cardiology Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Interventional Cardiology", "Interventional Cardiology",
     "INTERVENTIONAL CARDIOLOGY", Family::kCardio, Kind::kMD, 0.3},
    {"207RC0001X", "Clinical Cardiac Electrophysiology Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Clinical Cardiac Electrophysiology",
     "Clinical Cardiac Electrophysiology", "CLINICAL CARDIAC ELECTROPHYSIOLOGY", Family::kCardio, Kind::kMD, 0.15},
    {"207X00000X", "Orthopaedic Surgery Physician", "Allopathic & Osteopathic Physicians|Orthopaedic Surgery",
     "Orthopedic Surgery", "ORTHOPEDIC SURGERY", Family::kOrtho, Kind::kMD, 1.4},
    {"207XS0114X", "Adult Reconstructive Orthopaedic Surgery Physician",
     "Allopathic & Osteopathic Physicians|Orthopaedic Surgery|Adult Reconstructive Orthopaedic Surgery",
     "Orthopedic Surgery", "ORTHOPEDIC SURGERY", Family::kOrtho, Kind::kMD, 0.15},
    {"207XX0005X", "Sports Medicine (Orthopaedic Surgery) Physician",
     "Allopathic & Osteopathic Physicians|Orthopaedic Surgery|Sports Medicine", "Orthopedic Surgery",
     "ORTHOPEDIC SURGERY", Family::kOrtho, Kind::kMD, 0.2},
    {"207N00000X", "Dermatology Physician", "Allopathic & Osteopathic Physicians|Dermatology", "Dermatology",
     "DERMATOLOGY", Family::kDerm, Kind::kMD, 0.9},
    {"207NS0135X", "Procedural Dermatology Physician",
     "Allopathic & Osteopathic Physicians|Dermatology|Procedural Dermatology", "Dermatology", "DERMATOLOGY",
     Family::kDerm, Kind::kMD, 0.1},
    {"207RG0100X", "Gastroenterology Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Gastroenterology", "Gastroenterology", "GASTROENTEROLOGY",
     Family::kGI, Kind::kMD, 1.1},
    {"207RI0008X", "Hepatology Physician", "Allopathic & Osteopathic Physicians|Internal Medicine|Hepatology",
     "Gastroenterology", "GASTROENTEROLOGY", Family::kGI, Kind::kMD, 0.05},
    {"2084N0400X", "Neurology Physician", "Allopathic & Osteopathic Physicians|Psychiatry & Neurology|Neurology",
     "Neurology", "NEUROLOGY", Family::kNeuro, Kind::kMD, 1.2},
    {"207W00000X", "Ophthalmology Physician", "Allopathic & Osteopathic Physicians|Ophthalmology", "Ophthalmology",
     "OPHTHALMOLOGY", Family::kOphth, Kind::kMD, 1.3},
    {"207RH0003X", "Hematology & Oncology Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Hematology & Oncology", "Hematology-Oncology",
     "HEMATOLOGY/ONCOLOGY", Family::kOncology, Kind::kMD, 0.9},
    {"207RX0202X", "Medical Oncology Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Medical Oncology", "Medical Oncology", "MEDICAL ONCOLOGY",
     Family::kOncology, Kind::kMD, 0.4},
    {"207RH0000X", "Hematology (Internal Medicine) Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Hematology", "Hematology", "HEMATOLOGY", Family::kOncology,
     Kind::kMD, 0.1},
    {"2085R0001X", "Radiation Oncology Physician", "Allopathic & Osteopathic Physicians|Radiology|Radiation Oncology",
     "Radiation Oncology", "RADIATION ONCOLOGY", Family::kOncology, Kind::kMD, 0.3},
    {"2086X0206X", "Surgical Oncology Physician", "Allopathic & Osteopathic Physicians|Surgery|Surgical Oncology",
     "Surgical Oncology", "SURGICAL ONCOLOGY", Family::kSurgery, Kind::kMD, 0.1},
    {"207RP1001X", "Pulmonary Disease Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Pulmonary Disease", "Pulmonary Disease",
     "PULMONARY DISEASE", Family::kPulm, Kind::kMD, 0.9},
    {"207RS0012X", "Sleep Medicine (Internal Medicine) Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Sleep Medicine", "Sleep Medicine", "SLEEP MEDICINE",
     Family::kPulm, Kind::kMD, 0.1},
    {"207RN0300X", "Nephrology Physician", "Allopathic & Osteopathic Physicians|Internal Medicine|Nephrology",
     "Nephrology", "NEPHROLOGY", Family::kNephro, Kind::kMD, 0.7},
    {"207RE0101X", "Endocrinology, Diabetes & Metabolism Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Endocrinology, Diabetes & Metabolism", "Endocrinology",
     "ENDOCRINOLOGY", Family::kEndo, Kind::kMD, 0.6},
    {"2080P0205X", "Pediatric Endocrinology Physician",
     "Allopathic & Osteopathic Physicians|Pediatrics|Pediatric Endocrinology", "Pediatric Medicine",
     "PEDIATRIC MEDICINE", Family::kPediatrics, Kind::kMD, 0.05},
    {"208800000X", "Urology Physician", "Allopathic & Osteopathic Physicians|Urology", "Urology", "UROLOGY",
     Family::kUrology, Kind::kMD, 0.7},
    {"207RR0500X", "Rheumatology Physician", "Allopathic & Osteopathic Physicians|Internal Medicine|Rheumatology",
     "Rheumatology", "RHEUMATOLOGY", Family::kRheum, Kind::kMD, 0.4},
    {"207RI0200X", "Infectious Disease Physician",
     "Allopathic & Osteopathic Physicians|Internal Medicine|Infectious Disease", "Infectious Disease",
     "INFECTIOUS DISEASE", Family::kID, Kind::kMD, 0.5},
    {"207K00000X", "Allergy & Immunology Physician", "Allopathic & Osteopathic Physicians|Allergy & Immunology",
     "Allergy/ Immunology", "ALLERGY/IMMUNOLOGY", Family::kAllergy, Kind::kMD, 0.3},
    {"207Y00000X", "Otolaryngology Physician", "Allopathic & Osteopathic Physicians|Otolaryngology", "Otolaryngology",
     "OTOLARYNGOLOGY", Family::kENT, Kind::kMD, 0.7},
    {"207T00000X", "Neurological Surgery Physician", "Allopathic & Osteopathic Physicians|Neurological Surgery",
     "Neurosurgery", "NEUROSURGERY", Family::kSurgery, Kind::kMD, 0.3},
    {"2086S0129X", "Vascular Surgery Physician", "Allopathic & Osteopathic Physicians|Surgery|Vascular Surgery",
     "Vascular Surgery", "VASCULAR SURGERY", Family::kSurgery, Kind::kMD, 0.25},
    {"208G00000X", "Thoracic Surgery (Cardiothoracic Vascular Surgery) Physician",
     "Allopathic & Osteopathic Physicians|Thoracic Surgery (Cardiothoracic Vascular Surgery)", "Thoracic Surgery",
     "THORACIC SURGERY", Family::kSurgery, Kind::kMD, 0.2},
    {"208100000X", "Physical Medicine & Rehabilitation Physician",
     "Allopathic & Osteopathic Physicians|Physical Medicine & Rehabilitation", "Physical Medicine and Rehabilitation",
     "PHYSICAL MEDICINE AND REHABILITATION", Family::kPain, Kind::kMD, 0.6},
    {"208VP0014X", "Interventional Pain Medicine Physician",
     "Allopathic & Osteopathic Physicians|Pain Medicine|Interventional Pain Medicine", "Interventional Pain Management",
     "INTERVENTIONAL PAIN MANAGEMENT", Family::kPain, Kind::kMD, 0.2},
    {"207ZP0102X", "Anatomic Pathology & Clinical Pathology Physician",
     "Allopathic & Osteopathic Physicians|Pathology|Anatomic Pathology & Clinical Pathology", "Pathology", "PATHOLOGY",
     Family::kPathology, Kind::kMD, 0.8},
    {"207ZP0105X", "Clinical Pathology/Laboratory Medicine Physician",
     "Allopathic & Osteopathic Physicians|Pathology|Clinical Pathology/Laboratory Medicine", "Pathology", "PATHOLOGY",
     Family::kPathology, Kind::kMD, 0.1},
    {"207SG0201X", "Clinical Genetics (M.D.) Physician",
     "Allopathic & Osteopathic Physicians|Medical Genetics|Clinical Genetics (M.D.)", "Medical Genetics and Genomics",
     "MEDICAL GENETICS AND GENOMICS", Family::kOther, Kind::kMD, 0.05},
    {"204E00000X", "Oral & Maxillofacial Surgery (D.M.D.)",
     "Allopathic & Osteopathic Physicians|Oral & Maxillofacial Surgery", "Oral Surgery (Dentist only)",
     "ORAL SURGERY (DENTIST ONLY)", Family::kOther, Kind::kDentist, 0.3},
    {"1223G0001X", "General Practice Dentistry", "Dental Providers|Dentist|General Practice", "Dentist", "DENTIST",
     Family::kOther, Kind::kDentist, 4.0},
    {"152W00000X", "Optometrist", "Eye and Vision Services Providers|Optometrist", "Optometry", "OPTOMETRY",
     Family::kOphth, Kind::kOptometrist, 2.4},
    {"225100000X", "Physical Therapist",
     "Respiratory, Developmental, Rehabilitative and Restorative Service Providers|Physical Therapist",
     "Physical Therapist in Private Practice", "PHYSICAL THERAPY", Family::kOther, Kind::kPT, 4.5},
    {"111N00000X", "Chiropractor", "Chiropractic Providers|Chiropractor", "Chiropractic", "CHIROPRACTIC",
     Family::kOther, Kind::kChiro, 2.5},
};

// Twin Cities (Minneapolis - Saint Paul, MN) ZCTAs. Gazetteer values verbatim from the Census
// file; city, county and telephone area code are hand-assigned.
constexpr ZipInfo kZips[] = {
    {"55401", "MINNEAPOLIS", "HENNEPIN", "612", "2331229", "377143", "0.9", "0.146", "-93.269097", "44.984577",
     44.984577, -93.269097},
    {"55402", "MINNEAPOLIS", "HENNEPIN", "612", "461184", "0", "0.178", "0", "-93.271443", "44.976033", 44.976033,
     -93.271443},
    {"55403", "MINNEAPOLIS", "HENNEPIN", "612", "3548279", "41489", "1.37", "0.016", "-93.284032", "44.97057", 44.97057,
     -93.284032},
    {"55404", "MINNEAPOLIS", "HENNEPIN", "612", "4582447", "0", "1.769", "0", "-93.261123", "44.961998", 44.961998,
     -93.261123},
    {"55405", "MINNEAPOLIS", "HENNEPIN", "612", "7184962", "493464", "2.774", "0.191", "-93.302471", "44.971871",
     44.971871, -93.302471},
    {"55406", "MINNEAPOLIS", "HENNEPIN", "612", "12957253", "573329", "5.003", "0.221", "-93.22104", "44.940496",
     44.940496, -93.22104},
    {"55407", "MINNEAPOLIS", "HENNEPIN", "612", "10469606", "261186", "4.042", "0.101", "-93.253029", "44.935036",
     44.935036, -93.253029},
    {"55408", "MINNEAPOLIS", "HENNEPIN", "612", "7038674", "1418644", "2.718", "0.548", "-93.292639", "44.940425",
     44.940425, -93.292639},
    {"55409", "MINNEAPOLIS", "HENNEPIN", "612", "3216080", "0", "1.242", "0", "-93.281477", "44.930326", 44.930326,
     -93.281477},
    {"55410", "MINNEAPOLIS", "HENNEPIN", "612", "7708748", "0", "2.976", "0", "-93.319632", "44.911878", 44.911878,
     -93.319632},
    {"55411", "MINNEAPOLIS", "HENNEPIN", "612", "10550888", "179947", "4.074", "0.069", "-93.298363", "44.999009",
     44.999009, -93.298363},
    {"55412", "MINNEAPOLIS", "HENNEPIN", "612", "9407292", "210276", "3.632", "0.081", "-93.303546", "45.027476",
     45.027476, -93.303546},
    {"55413", "MINNEAPOLIS", "HENNEPIN", "612", "8538461", "303942", "3.297", "0.117", "-93.241677", "44.999463",
     44.999463, -93.241677},
    {"55414", "MINNEAPOLIS", "HENNEPIN", "612", "8751408", "435030", "3.379", "0.168", "-93.227354", "44.979513",
     44.979513, -93.227354},
    {"55415", "MINNEAPOLIS", "HENNEPIN", "612", "1121235", "0", "0.433", "0", "-93.257537", "44.974789", 44.974789,
     -93.257537},
    {"55417", "MINNEAPOLIS", "HENNEPIN", "612", "14084959", "1481395", "5.438", "0.572", "-93.230407", "44.90444",
     44.90444, -93.230407},
    {"55418", "MINNEAPOLIS", "HENNEPIN", "612", "17553037", "334723", "6.777", "0.129", "-93.242853", "45.021318",
     45.021318, -93.242853},
    {"55419", "MINNEAPOLIS", "HENNEPIN", "612", "10872252", "291556", "4.198", "0.113", "-93.287653", "44.905799",
     44.905799, -93.287653},
    {"55454", "MINNEAPOLIS", "HENNEPIN", "612", "1580575", "138768", "0.61", "0.054", "-93.234611", "44.967334",
     44.967334, -93.234611},
    {"55455", "MINNEAPOLIS", "HENNEPIN", "612", "692288", "131362", "0.267", "0.051", "-93.233696", "44.971814",
     44.971814, -93.233696},
    {"55416", "SAINT LOUIS PARK", "HENNEPIN", "612", "18938584", "2649877", "7.312", "1.023", "-93.336319", "44.950191",
     44.950191, -93.336319},
    {"55426", "SAINT LOUIS PARK", "HENNEPIN", "612", "17526016", "492926", "6.767", "0.19", "-93.374096", "44.958311",
     44.958311, -93.374096},
    {"55101", "SAINT PAUL", "RAMSEY", "651", "2109625", "132774", "0.815", "0.051", "-93.090649", "44.951483",
     44.951483, -93.090649},
    {"55102", "SAINT PAUL", "RAMSEY", "651", "8421495", "706738", "3.252", "0.273", "-93.121464", "44.931734",
     44.931734, -93.121464},
    {"55103", "SAINT PAUL", "RAMSEY", "651", "5406933", "287953", "2.088", "0.111", "-93.122627", "44.964258",
     44.964258, -93.122627},
    {"55104", "SAINT PAUL", "RAMSEY", "651", "15723037", "121368", "6.071", "0.047", "-93.164457", "44.953899",
     44.953899, -93.164457},
    {"55105", "SAINT PAUL", "RAMSEY", "651", "9322464", "492928", "3.599", "0.19", "-93.168279", "44.93718", 44.93718,
     -93.168279},
    {"55106", "SAINT PAUL", "RAMSEY", "651", "22444943", "1285926", "8.666", "0.496", "-93.049522", "44.963547",
     44.963547, -93.049522},
    {"55107", "SAINT PAUL", "RAMSEY", "651", "10642423", "1380648", "4.109", "0.533", "-93.0792", "44.930998",
     44.930998, -93.0792},
    {"55108", "SAINT PAUL", "RAMSEY", "651", "10178954", "50002", "3.93", "0.019", "-93.17488", "44.982482", 44.982482,
     -93.17488},
    {"55114", "SAINT PAUL", "RAMSEY", "651", "3370763", "77979", "1.301", "0.03", "-93.195072", "44.96669", 44.96669,
     -93.195072},
    {"55116", "SAINT PAUL", "RAMSEY", "651", "14132168", "1367718", "5.456", "0.528", "-93.169581", "44.910719",
     44.910719, -93.169581},
    {"55117", "SAINT PAUL", "RAMSEY", "651", "23910078", "1612195", "9.232", "0.622", "-93.09128", "45.003562",
     45.003562, -93.09128},
    {"55119", "SAINT PAUL", "RAMSEY", "651", "36495450", "5642353", "14.091", "2.179", "-93.007402", "44.937421",
     44.937421, -93.007402},
    {"55130", "SAINT PAUL", "RAMSEY", "651", "5190307", "4311", "2.004", "0.002", "-93.08211", "44.973262", 44.973262,
     -93.08211},
    {"55109", "MAPLEWOOD", "RAMSEY", "651", "30316358", "1980162", "11.705", "0.765", "-93.025535", "45.014551",
     45.014551, -93.025535},
    {"55110", "WHITE BEAR LAKE", "RAMSEY", "651", "62539629", "16044413", "24.147", "6.195", "-93.006048", "45.089913",
     45.089913, -93.006048},
    {"55112", "NEW BRIGHTON", "RAMSEY", "651", "49440028", "4811050", "19.089", "1.858", "-93.190493", "45.081866",
     45.081866, -93.190493},
    {"55113", "ROSEVILLE", "RAMSEY", "651", "38652209", "2197348", "14.924", "0.848", "-93.151186", "45.012196",
     45.012196, -93.151186},
    {"55118", "WEST SAINT PAUL", "DAKOTA", "651", "27310406", "1643710", "10.545", "0.635", "-93.100947", "44.894315",
     44.894315, -93.100947},
    {"55120", "MENDOTA HEIGHTS", "DAKOTA", "651", "13830434", "2246319", "5.34", "0.867", "-93.152093", "44.874984",
     44.874984, -93.152093},
    {"55121", "EAGAN", "DAKOTA", "651", "23389920", "1946898", "9.031", "0.752", "-93.154935", "44.846541", 44.846541,
     -93.154935},
    {"55122", "EAGAN", "DAKOTA", "651", "29177683", "1525252", "11.266", "0.589", "-93.201339", "44.806834", 44.806834,
     -93.201339},
    {"55123", "EAGAN", "DAKOTA", "651", "28463118", "2507243", "10.99", "0.968", "-93.138449", "44.808933", 44.808933,
     -93.138449},
    {"55124", "APPLE VALLEY", "DAKOTA", "952", "43542873", "1788596", "16.812", "0.691", "-93.193842", "44.739462",
     44.739462, -93.193842},
    {"55125", "WOODBURY", "WASHINGTON", "651", "39555892", "1233062", "15.273", "0.476", "-92.938277", "44.918031",
     44.918031, -92.938277},
    {"55126", "SHOREVIEW", "RAMSEY", "651", "31027596", "6007965", "11.98", "2.32", "-93.132817", "45.08445", 45.08445,
     -93.132817},
    {"55127", "VADNAIS HEIGHTS", "RAMSEY", "651", "34955433", "6892777", "13.496", "2.661", "-93.080233", "45.083907",
     45.083907, -93.080233},
    {"55128", "OAKDALE", "WASHINGTON", "651", "29129584", "1020542", "11.247", "0.394", "-92.963553", "44.987546",
     44.987546, -92.963553},
    {"55129", "WOODBURY", "WASHINGTON", "651", "50639707", "902531", "19.552", "0.348", "-92.892768", "44.883474",
     44.883474, -92.892768},
    {"55014", "CIRCLE PINES", "ANOKA", "651", "48414961", "7797695", "18.693", "3.011", "-93.12798", "45.161745",
     45.161745, -93.12798},
    {"55016", "COTTAGE GROVE", "WASHINGTON", "651", "75534643", "9791824", "29.164", "3.781", "-92.934622", "44.817691",
     44.817691, -92.934622},
    {"55038", "HUGO", "WASHINGTON", "651", "128385836", "11302891", "49.57", "4.364", "-92.981626", "45.167305",
     45.167305, -92.981626},
    {"55044", "LAKEVILLE", "DAKOTA", "952", "166071221", "4989600", "64.12", "1.926", "-93.276269", "44.642096",
     44.642096, -93.276269},
    {"55068", "ROSEMOUNT", "DAKOTA", "651", "110951041", "5273119", "42.838", "2.036", "-93.062773", "44.735516",
     44.735516, -93.062773},
    {"55082", "STILLWATER", "WASHINGTON", "651", "202521108", "14593291", "78.194", "5.635", "-92.839286", "45.073144",
     45.073144, -92.839286},
    {"55075", "SOUTH SAINT PAUL", "DAKOTA", "651", "14672640", "1269981", "5.665", "0.49", "-93.040497", "44.888027",
     44.888027, -93.040497},
    {"55076", "INVER GROVE HEIGHTS", "DAKOTA", "651", "23592015", "4086369", "9.109", "1.578", "-93.032174",
     "44.836066", 44.836066, -93.032174},
    {"55303", "ANOKA", "ANOKA", "763", "163428478", "6335511", "63.1", "2.446", "-93.4311", "45.288281", 45.288281,
     -93.4311},
    {"55304", "ANDOVER", "ANOKA", "763", "178924421", "6043007", "69.083", "2.333", "-93.270906", "45.252114",
     45.252114, -93.270906},
    {"55305", "HOPKINS", "HENNEPIN", "952", "24111531", "381382", "9.31", "0.147", "-93.428013", "44.956379", 44.956379,
     -93.428013},
    {"55343", "HOPKINS", "HENNEPIN", "952", "19566965", "674617", "7.555", "0.26", "-93.416254", "44.914372", 44.914372,
     -93.416254},
    {"55311", "MAPLE GROVE", "HENNEPIN", "763", "42475986", "2206145", "16.4", "0.852", "-93.497029", "45.106403",
     45.106403, -93.497029},
    {"55369", "MAPLE GROVE", "HENNEPIN", "763", "62062075", "4381802", "23.962", "1.692", "-93.445399", "45.127446",
     45.127446, -93.445399},
    {"55316", "CHAMPLIN", "HENNEPIN", "763", "21153855", "1457653", "8.168", "0.563", "-93.38725", "45.172579",
     45.172579, -93.38725},
    {"55318", "CHASKA", "CARVER", "952", "107186289", "5144675", "41.385", "1.986", "-93.636248", "44.810785",
     44.810785, -93.636248},
    {"55317", "CHANHASSEN", "CARVER", "952", "32449109", "3171176", "12.529", "1.224", "-93.550209", "44.858704",
     44.858704, -93.550209},
    {"55337", "BURNSVILLE", "DAKOTA", "952", "48365503", "3305647", "18.674", "1.276", "-93.272269", "44.778472",
     44.778472, -93.272269},
    {"55344", "EDEN PRAIRIE", "HENNEPIN", "952", "22806159", "1805767", "8.806", "0.697", "-93.43006", "44.863894",
     44.863894, -93.43006},
    {"55346", "EDEN PRAIRIE", "HENNEPIN", "952", "17821647", "625401", "6.881", "0.241", "-93.48128", "44.878621",
     44.878621, -93.48128},
    {"55347", "EDEN PRAIRIE", "HENNEPIN", "952", "43584868", "4625126", "16.828", "1.786", "-93.462356", "44.827886",
     44.827886, -93.462356},
    {"55345", "MINNETONKA", "HENNEPIN", "952", "29454820", "732334", "11.373", "0.283", "-93.48443", "44.915442",
     44.915442, -93.48443},
    {"55372", "PRIOR LAKE", "SCOTT", "952", "149034281", "10566416", "57.542", "4.08", "-93.413588", "44.682387",
     44.682387, -93.413588},
    {"55378", "SAVAGE", "SCOTT", "952", "37568057", "1989963", "14.505", "0.768", "-93.366971", "44.757299", 44.757299,
     -93.366971},
    {"55379", "SHAKOPEE", "SCOTT", "952", "152636075", "6174713", "58.933", "2.384", "-93.513329", "44.755948",
     44.755948, -93.513329},
    {"55391", "WAYZATA", "HENNEPIN", "952", "44026580", "28319424", "16.999", "10.934", "-93.538993", "44.956401",
     44.956401, -93.538993},
    {"55420", "BLOOMINGTON", "HENNEPIN", "952", "16819429", "248708", "6.494", "0.096", "-93.277176", "44.835969",
     44.835969, -93.277176},
    {"55425", "BLOOMINGTON", "HENNEPIN", "952", "12214239", "5615611", "4.716", "2.168", "-93.225635", "44.851555",
     44.851555, -93.225635},
    {"55431", "BLOOMINGTON", "HENNEPIN", "952", "20665925", "626422", "7.979", "0.242", "-93.310998", "44.825914",
     44.825914, -93.310998},
    {"55437", "BLOOMINGTON", "HENNEPIN", "952", "16988777", "1131391", "6.559", "0.437", "-93.342996", "44.824347",
     44.824347, -93.342996},
    {"55438", "BLOOMINGTON", "HENNEPIN", "952", "21622491", "2039004", "8.348", "0.787", "-93.381428", "44.823123",
     44.823123, -93.381428},
    {"55423", "RICHFIELD", "HENNEPIN", "612", "18071306", "370622", "6.977", "0.143", "-93.282529", "44.87446",
     44.87446, -93.282529},
    {"55424", "EDINA", "HENNEPIN", "952", "6264144", "201841", "2.419", "0.078", "-93.344834", "44.905026", 44.905026,
     -93.344834},
    {"55435", "EDINA", "HENNEPIN", "952", "7647197", "372712", "2.953", "0.144", "-93.33406", "44.873953", 44.873953,
     -93.33406},
    {"55436", "EDINA", "HENNEPIN", "952", "12282537", "438809", "4.742", "0.169", "-93.373157", "44.90414", 44.90414,
     -93.373157},
    {"55439", "EDINA", "HENNEPIN", "952", "12492486", "342399", "4.823", "0.132", "-93.374747", "44.87563", 44.87563,
     -93.374747},
    {"55421", "COLUMBIA HEIGHTS", "ANOKA", "612", "16272408", "851272", "6.283", "0.329", "-93.253812", "45.050884",
     45.050884, -93.253812},
    {"55422", "ROBBINSDALE", "HENNEPIN", "763", "21477197", "1213142", "8.292", "0.468", "-93.341105", "45.009275",
     45.009275, -93.341105},
    {"55427", "GOLDEN VALLEY", "HENNEPIN", "763", "18609501", "200002", "7.185", "0.077", "-93.37915", "45.005499",
     45.005499, -93.37915},
    {"55428", "BROOKLYN PARK", "HENNEPIN", "763", "20919220", "146693", "8.077", "0.057", "-93.381362", "45.06295",
     45.06295, -93.381362},
    {"55443", "BROOKLYN PARK", "HENNEPIN", "763", "23910786", "533327", "9.232", "0.206", "-93.338118", "45.117609",
     45.117609, -93.338118},
    {"55445", "BROOKLYN PARK", "HENNEPIN", "763", "20233485", "103495", "7.812", "0.04", "-93.379184", "45.122441",
     45.122441, -93.379184},
    {"55429", "BROOKLYN CENTER", "HENNEPIN", "763", "16087193", "796790", "6.211", "0.308", "-93.341097", "45.063552",
     45.063552, -93.341097},
    {"55430", "BROOKLYN CENTER", "HENNEPIN", "763", "14617903", "541792", "5.644", "0.209", "-93.30147", "45.067295",
     45.067295, -93.30147},
    {"55432", "FRIDLEY", "ANOKA", "763", "25581616", "1591361", "9.877", "0.614", "-93.254518", "45.096587", 45.096587,
     -93.254518},
    {"55433", "COON RAPIDS", "ANOKA", "763", "30079325", "1443330", "11.614", "0.557", "-93.314839", "45.160411",
     45.160411, -93.314839},
    {"55448", "COON RAPIDS", "ANOKA", "763", "28135649", "446876", "10.863", "0.173", "-93.299952", "45.193911",
     45.193911, -93.299952},
    {"55434", "BLAINE", "ANOKA", "763", "23828477", "164967", "9.2", "0.064", "-93.250487", "45.163716", 45.163716,
     -93.250487},
    {"55449", "BLAINE", "ANOKA", "763", "57874893", "248944", "22.346", "0.096", "-93.181914", "45.177288", 45.177288,
     -93.181914},
    {"55441", "PLYMOUTH", "HENNEPIN", "763", "22439475", "4054258", "8.664", "1.565", "-93.424636", "45.006321",
     45.006321, -93.424636},
    {"55442", "PLYMOUTH", "HENNEPIN", "763", "13741277", "1263222", "5.306", "0.488", "-93.426212", "45.048851",
     45.048851, -93.426212},
    {"55446", "PLYMOUTH", "HENNEPIN", "763", "26292819", "371883", "10.152", "0.144", "-93.489701", "45.03914",
     45.03914, -93.489701},
    {"55447", "PLYMOUTH", "HENNEPIN", "763", "22760671", "1543140", "8.788", "0.596", "-93.489561", "45.001096",
     45.001096, -93.489561},
    {"55330", "ELK RIVER", "SHERBURNE", "763", "270634587", "10506806", "104.493", "4.057", "-93.568216", "45.334168",
     45.334168, -93.568216},
};

constexpr std::string_view kMaleFirst[] = {
    "James",       "Robert",     "John",      "Michael",  "David",   "William",  "Richard",  "Joseph",      "Thomas",
    "Christopher", "Charles",    "Daniel",    "Matthew",  "Anthony", "Mark",     "Donald",   "Steven",      "Stephen",
    "Paul",        "Andrew",     "Joshua",    "Kenneth",  "Kevin",   "Brian",    "George",   "Timothy",     "Ronald",
    "Jason",       "Edward",     "Jeffrey",   "Geoffrey", "Ryan",    "Jacob",    "Gary",     "Nicholas",    "Eric",
    "Jonathan",    "Jon",        "Justin",    "Scott",    "Brandon", "Benjamin", "Samuel",   "Gregory",     "Alexander",
    "Patrick",     "Frank",      "Raymond",   "Jack",     "Dennis",  "Jerry",    "Tyler",    "Aaron",       "José",
    "Jose",        "Juan",       "Carlos",    "Luis",     "Miguel",  "Jesús",    "Mohammed", "Muhammad",    "Mohammad",
    "Ahmed",       "Ali",        "Omar",      "Rajesh",   "Sanjay",  "Vikram",   "Anil",     "Ravi",        "Srinivas",
    "Wei",         "Jun",        "Hiroshi",   "Minh",     "Duc",     "Sung",     "Jae",      "Chukwuemeka", "Oluwaseun",
    "Kwame",       "Abdirahman", "Abdullahi", "Mahamed",  "Hassan",  "Yusuf",    "Tou",      "Pao",         "Kou",
    "Erik",        "Lars",       "Nils",      "Anders",   "Bjorn",   "Sven",     "Olaf",     "Dmitri",      "Sergei",
    "Piotr",       "François",   "René",      "André",    "Günter",  "Stefan",   "Matthias", "Giovanni",    "Marco",
    "Luca",        "Sean"};

constexpr std::string_view kFemaleFirst[] = {
    "Mary",      "Patricia",  "Jennifer", "Linda",     "Elizabeth", "Barbara", "Susan",     "Jessica",  "Sarah",
    "Karen",     "Lisa",      "Nancy",    "Betty",     "Margaret",  "Sandra",  "Ashley",    "Kimberly", "Emily",
    "Donna",     "Michelle",  "Carol",    "Amanda",    "Melissa",   "Deborah", "Stephanie", "Rebecca",  "Sharon",
    "Laura",     "Cynthia",   "Kathleen", "Katherine", "Catherine", "Kathryn", "Kathrine",  "Amy",      "Angela",
    "Shirley",   "Anna",      "Brenda",   "Pamela",    "Emma",      "Nicole",  "Helen",     "Samantha", "Christine",
    "Kristin",   "Kristen",   "Rachel",   "Carolyn",   "Janet",     "Maria",   "María",     "Ana",      "Sofía",
    "Lucía",     "Guadalupe", "Rosa",     "Carmen",    "Priya",     "Anjali",  "Deepa",     "Lakshmi",  "Sunita",
    "Mei",       "Xiaoming",  "Yuki",     "Linh",      "Thuy",      "Hyun",    "Ji-Yeon",   "Ngozi",    "Chioma",
    "Adaeze",    "Amina",     "Fatima",   "Hodan",     "Ifrah",     "Sahra",   "Mai",       "Yer",      "Ingrid",
    "Astrid",    "Kirsten",   "Solveig",  "Greta",     "Hanna",     "Renée",   "Zoë",       "Chloé",    "Hélène",
    "Agnieszka", "Katarzyna", "Olga",     "Natalia",   "Svetlana",  "Siobhan", "Aoife",     "Gemma",    "Megan",
    "Lauren"};

constexpr std::string_view kLast[] = {
    "Smith",        "Johnson",       "Williams",     "Brown",        "Jones",
    "Miller",       "Davis",         "Wilson",       "Anderson",     "Taylor",
    "Thomas",       "Moore",         "Martin",       "Jackson",      "Thompson",
    "Thomson",      "White",         "Harris",       "Clark",        "Lewis",
    "Robinson",     "Walker",        "Young",        "Allen",        "King",
    "Wright",       "Scott",         "Hill",         "Green",        "Adams",
    "Nelson",       "Baker",         "Hall",         "Campbell",     "Mitchell",
    "Carter",       "Roberts",       "Phillips",     "Evans",        "Turner",
    "Peterson",     "Petersen",      "Johnston",     "Olson",        "Olsen",
    "Larson",       "Larsen",        "Hanson",       "Hansen",       "Swanson",
    "Lindquist",    "Bergstrom",     "Gustafson",    "Carlson",      "Erickson",
    "Eriksen",      "Christensen",   "Halvorson",    "Nygaard",      "Sorensen",
    "Schmidt",      "Schmitt",       "Schneider",    "Schroeder",    "Müller",
    "Mueller",      "Weber",         "Becker",       "Hoffmann",     "Koch",
    "Kowalski",     "Kowalczyk",     "Nowak",        "Wiśniewski",   "Szczepański",
    "Przybylski",   "Novak",         "Horvath",      "Kovács",       "Dvořák",
    "O'Brien",      "O'Connor",      "O'Neil",       "McDonald",     "MacDonald",
    "McCarthy",     "Murphy",        "Kelly",        "Sullivan",     "Byrne",
    "García",       "Garcia",        "Rodríguez",    "Rodriguez",    "Martínez",
    "Hernández",    "López",         "González",     "Pérez",        "Sánchez",
    "Ramírez",      "Torres",        "Flores",       "Rivera",       "Gómez",
    "Díaz",         "Morales",       "Ortiz",        "Gutiérrez",    "Muñoz",
    "Núñez",        "Peña",          "Castillo",     "García-López", "Smith-Jones",
    "Anderson-Lee", "Martin-Harris", "Rivera-Ortiz", "Nguyen",       "Tran",
    "Le",           "Pham",          "Huynh",        "Vang",         "Xiong",
    "Yang",         "Lee",           "Thao",         "Her",          "Moua",
    "Kim",          "Park",          "Choi",         "Chen",         "Wang",
    "Li",           "Zhang",         "Liu",          "Huang",        "Ng",
    "Patel",        "Shah",          "Singh",        "Kumar",        "Sharma",
    "Gupta",        "Reddy",         "Rao",          "Iyer",         "Venkataraman",
    "Mohamed",      "Mohamud",       "Ahmed",        "Hussein",      "Abdi",
    "Warsame",      "Okafor",        "Okonkwo",      "Adeyemi",      "Oyelaran-Adebayo",
    "Mensah",       "Boateng",       "Haile",        "Tesfaye",      "Ivanov",
    "Petrov",       "Kuznetsov",     "Cohen",        "Levy",         "Friedman",
    "Rossi",        "Russo",         "Esposito",     "Bianchi",      "Dubois",
    "Lefèvre",      "Côté",          "Bélanger",     "Kaur",         "D'Angelo"};

constexpr std::string_view kStreets[] = {"Nicollet Ave",      "Hennepin Ave",
                                         "Lyndale Ave S",     "University Ave SE",
                                         "University Ave W",  "Grand Ave",
                                         "Snelling Ave N",    "France Ave S",
                                         "Cedar Ave S",       "Chicago Ave",
                                         "Park Ave",          "Portland Ave",
                                         "Lake St",           "Franklin Ave E",
                                         "Washington Ave S",  "Marquette Ave",
                                         "2nd Ave S",         "3rd St S",
                                         "Excelsior Blvd",    "Wayzata Blvd",
                                         "Minnetonka Blvd",   "Old Shakopee Rd",
                                         "County Road 42",    "Cliff Rd",
                                         "Yankee Doodle Rd",  "Pilot Knob Rd",
                                         "Robert St S",       "Smith Ave N",
                                         "Rice St",           "Lexington Pkwy N",
                                         "White Bear Ave N",  "Hudson Rd",
                                         "Radio Dr",          "Valley Creek Rd",
                                         "Stillwater Blvd N", "Coon Rapids Blvd NW",
                                         "Central Ave NE",    "Broadway Ave W",
                                         "Bass Lake Rd",      "Zane Ave N",
                                         "Fernbrook Ln N",    "Vicksburg Ln N",
                                         "Highway 7",         "Prairie Center Dr",
                                         "Flying Cloud Dr",   "Technology Dr",
                                         "Southdale Center",  "W 66th St",
                                         "W 78th St",         "American Blvd W",
                                         "E Old Shakopee Rd", "Xerxes Ave S",
                                         "Blaisdell Ave",     "Riverside Ave",
                                         "Como Ave",          "Larpenteur Ave W",
                                         "County Road E",     "Silver Lake Rd NW",
                                         "Main St",           "Oak St",
                                         "Maple St",          "Elm St",
                                         "Cedar St",          "Pine St",
                                         "Lake Dr",           "Medical Center Dr",
                                         "Wellness Way",      "Health Center Dr",
                                         "Clinic Dr",         "Hospital Dr",
                                         "Professional Pkwy", "Corporate Center Dr"};

constexpr std::string_view kMedSchools[] = {"UNIVERSITY OF MINNESOTA MEDICAL SCHOOL",
                                            "UNIVERSITY OF MINNESOTA MEDICAL SCHOOL",
                                            "UNIVERSITY OF MINNESOTA MEDICAL SCHOOL",
                                            "MAYO MEDICAL SCHOOL",
                                            "UNIVERSITY OF WISCONSIN MEDICAL SCHOOL",
                                            "MEDICAL COLLEGE OF WISCONSIN",
                                            "UNIVERSITY OF IOWA CARVER COLLEGE OF MEDICINE",
                                            "UNIVERSITY OF NORTH DAKOTA SCHOOL OF MEDICINE",
                                            "UNIVERSITY OF SOUTH DAKOTA SANFORD SCHOOL OF MEDICINE",
                                            "UNIVERSITY OF NEBRASKA COLLEGE OF MEDICINE",
                                            "CREIGHTON UNIVERSITY SCHOOL OF MEDICINE",
                                            "NORTHWESTERN UNIVERSITY FEINBERG SCHOOL OF MEDICINE",
                                            "UNIVERSITY OF ILLINOIS COLLEGE OF MEDICINE",
                                            "UNIVERSITY OF MICHIGAN MEDICAL SCHOOL",
                                            "WASHINGTON UNIVERSITY SCHOOL OF MEDICINE",
                                            "UNIVERSITY OF CHICAGO PRITZKER SCHOOL OF MEDICINE",
                                            "INDIANA UNIVERSITY SCHOOL OF MEDICINE",
                                            "OHIO STATE UNIVERSITY COLLEGE OF MEDICINE",
                                            "OTHER",
                                            "OTHER",
                                            "OTHER",
                                            "OTHER"};

constexpr std::string_view kDoMedSchools[] = {
    "DES MOINES UNIVERSITY COLLEGE OF OSTEOPATHIC MEDICINE",
    "KANSAS CITY UNIVERSITY OF MEDICINE AND BIOSCIENCES COLLEGE OF OSTEOPATHIC MEDICINE",
    "MICHIGAN STATE UNIVERSITY COLLEGE OF OSTEOPATHIC MEDICINE",
    "A.T. STILL UNIVERSITY KIRKSVILLE COLLEGE OF OSTEOPATHIC MEDICINE",
    "CHICAGO COLLEGE OF OSTEOPATHIC MEDICINE OF MIDWESTERN UNIVERSITY",
    "OTHER"};

constexpr std::string_view kOrgStems[] = {
    "NORTH STAR",   "LAKES AREA", "TWIN CITIES",        "MIDWEST",   "RIVERSIDE", "PRAIRIE",
    "NORTHLAND",    "METRO",      "MISSISSIPPI VALLEY", "MINNEHAHA", "HIAWATHA",  "CEDAR LAKE",
    "LAKE HARRIET", "COMO PARK",  "HIGHLAND PARK",      "SUMMIT",    "ST. CROIX", "MINNESOTA",
    "UPTOWN",       "NORTHWEST",  "SOUTHDALE",          "RIDGEVIEW", "OAK RIDGE", "WILLOW CREEK",
    "PINE BEND",    "BIRCHWOOD",  "LAKEVIEW",           "PARKVIEW",  "CROSSTOWN", "GATEWAY",
    "HERITAGE",     "ALLIANCE"};

constexpr std::string_view kKindsGeneric[] = {"MEDICAL GROUP, P.A.",     "CLINIC, P.A.",
                                              "PHYSICIANS, LLC",         "HEALTH PARTNERS, PLLC",
                                              "FAMILY PHYSICIANS, P.A.", "MEDICAL ASSOCIATES, LTD",
                                              "PRIMARY CARE CLINIC",     "MULTISPECIALTY CLINIC, P.A.",
                                              "HEALTH CARE CENTER, INC."};
constexpr std::string_view kKindsCardio[] = {"HEART & VASCULAR, P.A.", "CARDIOLOGY ASSOCIATES, LLC", "HEART INSTITUTE"};
constexpr std::string_view kKindsOrtho[] = {"ORTHOPEDICS, P.A.", "ORTHOPAEDIC ASSOCIATES, LTD",
                                            "SPORTS MEDICINE & ORTHOPEDICS"};
constexpr std::string_view kKindsDerm[] = {"DERMATOLOGY, P.A.", "SKIN & CANCER CENTER, LLC"};
constexpr std::string_view kKindsPsych[] = {"BEHAVIORAL HEALTH, LLC", "PSYCHIATRIC ASSOCIATES, P.A.",
                                            "MENTAL HEALTH CENTER"};
constexpr std::string_view kKindsEye[] = {"EYE CLINIC, P.A.", "EYE CONSULTANTS, LLC", "VISION CENTER"};
constexpr std::string_view kKindsOnc[] = {"ONCOLOGY, P.A.", "CANCER CARE SPECIALISTS, LLC"};
constexpr std::string_view kKindsGi[] = {"DIGESTIVE HEALTH, P.A.", "GASTROENTEROLOGY ASSOCIATES, LTD"};
constexpr std::string_view kKindsRad[] = {"RADIOLOGY, P.A.", "IMAGING CONSULTANTS, LLC"};
constexpr std::string_view kKindsAnes[] = {"ANESTHESIA ASSOCIATES, P.A.", "ANESTHESIOLOGISTS, LTD"};
constexpr std::string_view kKindsEm[] = {"EMERGENCY PHYSICIANS, P.A.", "EMERGENCY MEDICINE ASSOCIATES, LLC"};
constexpr std::string_view kKindsObgyn[] = {"WOMEN'S HEALTH, P.A.", "OB/GYN ASSOCIATES, LTD"};
constexpr std::string_view kKindsOther[] = {"CHIROPRACTIC, P.A.", "PHYSICAL THERAPY, LLC", "DENTAL CARE, P.A.",
                                            "REHABILITATION SERVICES, INC."};

constexpr std::string_view kHospitalStems[] = {
    "NORTHERN PINES", "LAKEWOOD",       "RIVERVIEW",  "ST. ANSGAR",   "ST. OLAF",   "ST. BRIGID",
    "BETHEL",         "ZION",           "METHODIST",  "PRESBYTERIAN", "LUTHERAN",   "TRINITY",
    "MERCY",          "GOOD SAMARITAN", "PROVIDENCE", "CALVARY",      "FAIRHAVEN",  "WESTBROOK",
    "EASTGATE",       "SOUTHVIEW",      "NORTHGATE",  "MIDWAY",       "UNIVERSITY", "WESTWOOD"};

constexpr std::uint32_t kPrimary = Fams(F::kPrimaryCare);
constexpr std::uint32_t kPcp = Fams(F::kPrimaryCare, F::kEndo, F::kCardio, F::kNephro);

constexpr Drug kDrugs[] = {
    // Primary care / cardiometabolic
    {"Atorvastatin Calcium", "Atorvastatin Calcium", 9.5, 1.02, kPcp},
    {"Rosuvastatin Calcium", "Rosuvastatin Calcium", 11.2, 1.08, kPcp},
    {"Simvastatin", "Simvastatin", 6.1, 0.93, kPrimary},
    {"Pravastatin Sodium", "Pravastatin Sodium", 10.4, 0.97, kPrimary},
    {"Lisinopril", "Lisinopril", 4.8, 0.98, kPcp},
    {"Losartan Potassium", "Losartan Potassium", 8.9, 1.03, kPcp},
    {"Amlodipine Besylate", "Amlodipine Besylate", 5.3, 1.0, kPcp},
    {"Metoprolol Succinate", "Metoprolol Succinate", 13.1, 1.01, Fams(F::kPrimaryCare, F::kCardio)},
    {"Metoprolol Tartrate", "Metoprolol Tartrate", 5.9, 0.97, Fams(F::kPrimaryCare, F::kCardio)},
    {"Carvedilol", "Carvedilol", 7.7, 1.0, Fams(F::kPrimaryCare, F::kCardio)},
    {"Hydrochlorothiazide", "Hydrochlorothiazide", 4.1, 0.95, kPrimary},
    {"Furosemide", "Furosemide", 4.4, 1.0, Fams(F::kPrimaryCare, F::kCardio, F::kNephro)},
    {"Spironolactone", "Spironolactone", 8.2, 1.04, Fams(F::kPrimaryCare, F::kCardio)},
    {"Metformin Hcl", "Metformin Hcl", 6.6, 0.99, Fams(F::kPrimaryCare, F::kEndo)},
    {"Glipizide", "Glipizide", 5.8, 0.94, Fams(F::kPrimaryCare, F::kEndo)},
    {"Levothyroxine Sodium", "Levothyroxine Sodium", 9.9, 1.01, Fams(F::kPrimaryCare, F::kEndo)},
    {"Omeprazole", "Omeprazole", 7.4, 0.99, Fams(F::kPrimaryCare, F::kGI)},
    {"Pantoprazole Sodium", "Pantoprazole Sodium", 7.9, 1.03, Fams(F::kPrimaryCare, F::kGI)},
    {"Tamsulosin Hcl", "Tamsulosin Hcl", 10.8, 1.02, Fams(F::kPrimaryCare, F::kUrology)},
    {"Gabapentin", "Gabapentin", 11.6, 1.03, Fams(F::kPrimaryCare, F::kNeuro, F::kPain, F::kOrtho)},
    {"Montelukast Sodium", "Montelukast Sodium", 9.1, 0.98,
     Fams(F::kPrimaryCare, F::kPulm, F::kAllergy, F::kPediatrics)},
    {"Eliquis", "Apixaban", 548.0, 1.09, Fams(F::kPrimaryCare, F::kCardio)},
    {"Xarelto", "Rivaroxaban", 556.0, 0.96, Fams(F::kPrimaryCare, F::kCardio)},
    {"Warfarin Sodium", "Warfarin Sodium", 8.3, 0.86, Fams(F::kPrimaryCare, F::kCardio)},
    {"Clopidogrel Bisulfate", "Clopidogrel Bisulfate", 7.1, 0.99, Fams(F::kPrimaryCare, F::kCardio)},
    {"Jardiance", "Empagliflozin", 585.0, 1.18, Fams(F::kPrimaryCare, F::kEndo, F::kCardio, F::kNephro)},
    {"Farxiga", "Dapagliflozin Propanediol", 571.0, 1.21, Fams(F::kPrimaryCare, F::kEndo, F::kCardio, F::kNephro)},
    {"Ozempic", "Semaglutide", 935.0, 1.35, Fams(F::kPrimaryCare, F::kEndo)},
    {"Trulicity", "Dulaglutide", 925.0, 0.88, Fams(F::kPrimaryCare, F::kEndo)},
    {"Mounjaro", "Tirzepatide", 1040.0, 2.6, Fams(F::kPrimaryCare, F::kEndo)},
    {"Januvia", "Sitagliptin Phosphate", 520.0, 0.81, Fams(F::kPrimaryCare, F::kEndo)},
    {"Entresto", "Sacubitril/Valsartan", 620.0, 1.12, Fams(F::kCardio)},
    {"Lantus Solostar", "Insulin Glargine,Hum.Rec.Anlog", 410.0, 0.9, Fams(F::kPrimaryCare, F::kEndo)},
    {"Humalog Kwikpen U-100", "Insulin Lispro", 380.0, 0.92, Fams(F::kEndo)},
    {"Tresiba Flextouch U-100", "Insulin Degludec", 495.0, 1.04, Fams(F::kEndo)},
    {"Abrysvo", "Rsv Vacc, Pref A And Pref B/Pf", 299.7, 0.55, kPrimary},
    {"Boostrix Tdap", "Diphth,pertuss(Acell),tet Vac", 54.0, 1.0, kPrimary},
    {"Shingrix", "Varicella-Zoster Gere Vac/Pf", 196.0, 0.94, kPrimary},
    {"Donepezil Hcl", "Donepezil Hcl", 8.9, 1.0, Fams(F::kPrimaryCare, F::kNeuro)},
    {"Meloxicam", "Meloxicam", 6.0, 0.98, Fams(F::kPrimaryCare, F::kOrtho, F::kRheum, F::kPain)},
    {"Prednisone", "Prednisone", 5.2, 1.0, Fams(F::kPrimaryCare, F::kPulm, F::kRheum, F::kAllergy, F::kEmergency)},
    {"Amoxicillin", "Amoxicillin", 6.3, 1.02, Fams(F::kPrimaryCare, F::kPediatrics, F::kENT, F::kEmergency)},
    {"Amox Tr-Potassium Clavulanate", "Amoxicillin/Potassium Clav", 14.1, 1.0, Fams(F::kPrimaryCare, F::kENT, F::kID)},
    {"Azithromycin", "Azithromycin", 9.8, 0.97, Fams(F::kPrimaryCare, F::kPulm, F::kPediatrics)},
    {"Cephalexin", "Cephalexin", 8.1, 1.0, Fams(F::kPrimaryCare, F::kEmergency, F::kDerm)},
    {"Nitrofurantoin Monohyd/M-Cryst", "Nitrofurantoin Monohyd/M-Cryst", 16.3, 1.01,
     Fams(F::kPrimaryCare, F::kUrology, F::kObGyn)},
    // Psychiatry
    {"Sertraline Hcl", "Sertraline Hcl", 7.9, 1.03, Fams(F::kPrimaryCare, F::kPsych)},
    {"Escitalopram Oxalate", "Escitalopram Oxalate", 7.2, 1.04, Fams(F::kPrimaryCare, F::kPsych)},
    {"Trazodone Hcl", "Trazodone Hcl", 6.7, 1.02, Fams(F::kPrimaryCare, F::kPsych)},
    {"Bupropion Xl", "Bupropion Hcl", 14.8, 1.02, Fams(F::kPrimaryCare, F::kPsych)},
    {"Duloxetine Hcl", "Duloxetine Hcl", 10.7, 1.01, Fams(F::kPrimaryCare, F::kPsych, F::kPain)},
    {"Quetiapine Fumarate", "Quetiapine Fumarate", 11.3, 0.99, Fams(F::kPsych)},
    {"Aripiprazole", "Aripiprazole", 12.9, 1.01, Fams(F::kPsych)},
    {"Lamotrigine", "Lamotrigine", 9.6, 1.0, Fams(F::kPsych, F::kNeuro)},
    {"Buspirone Hcl", "Buspirone Hcl", 9.3, 1.05, Fams(F::kPrimaryCare, F::kPsych)},
    {"Mirtazapine", "Mirtazapine", 10.2, 1.0, Fams(F::kPsych)},
    {"Clonazepam", "Clonazepam", 5.6, 0.95, Fams(F::kPsych, F::kNeuro)},
    {"Vraylar", "Cariprazine Hcl", 1390.0, 1.22, Fams(F::kPsych)},
    {"Rexulti", "Brexpiprazole", 1420.0, 1.15, Fams(F::kPsych)},
    // Neurology
    {"Levetiracetam", "Levetiracetam", 12.4, 1.02, Fams(F::kNeuro)},
    {"Topiramate", "Topiramate", 8.8, 1.0, Fams(F::kNeuro)},
    {"Carbidopa-Levodopa", "Carbidopa/Levodopa", 19.6, 1.01, Fams(F::kNeuro)},
    {"Memantine Hcl", "Memantine Hcl", 11.9, 0.97, Fams(F::kNeuro)},
    {"Sumatriptan Succinate", "Sumatriptan Succinate", 15.4, 0.98, Fams(F::kNeuro)},
    {"Nurtec Odt", "Rimegepant Sulfate", 1010.0, 1.3, Fams(F::kNeuro)},
    {"Ubrelvy", "Ubrogepant", 985.0, 1.25, Fams(F::kNeuro)},
    // Pulmonary / allergy
    {"Albuterol Sulfate Hfa", "Albuterol Sulfate", 27.5, 1.0,
     Fams(F::kPrimaryCare, F::kPulm, F::kAllergy, F::kPediatrics)},
    {"Symbicort", "Budesonide/Formoterol Fumarate", 335.0, 0.82, Fams(F::kPulm, F::kAllergy)},
    {"Breo Ellipta", "Fluticasone/Vilanterol", 318.0, 0.95, Fams(F::kPulm)},
    {"Trelegy Ellipta", "Fluticasone/Umeclidin/Vilanter", 612.0, 1.17, Fams(F::kPulm, F::kPrimaryCare)},
    {"Spiriva", "Tiotropium Bromide", 498.0, 0.84, Fams(F::kPulm)},
    {"Ofev", "Nintedanib Esylate", 11900.0, 1.07, Fams(F::kPulm)},
    {"Fluticasone Propionate", "Fluticasone Propionate", 14.2, 1.0, Fams(F::kAllergy, F::kENT, F::kPrimaryCare)},
    {"Epipen 2-Pak", "Epinephrine", 355.0, 1.0, Fams(F::kAllergy)},
    {"Azelastine Hcl", "Azelastine Hcl", 18.7, 1.0, Fams(F::kAllergy, F::kENT)},
    // GI
    {"Linzess", "Linaclotide", 535.0, 1.08, Fams(F::kGI)},
    {"Mesalamine Dr", "Mesalamine", 168.0, 1.0, Fams(F::kGI)},
    {"Dicyclomine Hcl", "Dicyclomine Hcl", 12.0, 1.0, Fams(F::kGI)},
    {"Famotidine", "Famotidine", 7.0, 1.05, Fams(F::kGI, F::kPrimaryCare)},
    {"Sucralfate", "Sucralfate", 29.0, 0.99, Fams(F::kGI)},
    {"Xifaxan", "Rifaximin", 2660.0, 1.06, Fams(F::kGI)},
    {"Ursodiol", "Ursodiol", 62.0, 1.0, Fams(F::kGI)},
    {"Ondansetron Odt", "Ondansetron", 9.4, 1.0, Fams(F::kGI, F::kOncology, F::kEmergency)},
    // Oncology
    {"Anastrozole", "Anastrozole", 8.9, 1.0, Fams(F::kOncology)},
    {"Letrozole", "Letrozole", 10.1, 1.01, Fams(F::kOncology)},
    {"Tamoxifen Citrate", "Tamoxifen Citrate", 21.0, 0.98, Fams(F::kOncology)},
    {"Imbruvica", "Ibrutinib", 15600.0, 0.87, Fams(F::kOncology)},
    {"Xtandi", "Enzalutamide", 13800.0, 1.03, Fams(F::kOncology, F::kUrology)},
    {"Revlimid", "Lenalidomide", 17900.0, 0.72, Fams(F::kOncology)},
    {"Ibrance", "Palbociclib", 14300.0, 0.94, Fams(F::kOncology)},
    {"Prochlorperazine Maleate", "Prochlorperazine Maleate", 10.3, 1.0, Fams(F::kOncology)},
    // Nephrology
    {"Sevelamer Carbonate", "Sevelamer Carbonate", 78.0, 0.97, Fams(F::kNephro)},
    {"Calcitriol", "Calcitriol", 21.0, 1.0, Fams(F::kNephro)},
    {"Sodium Bicarbonate", "Sodium Bicarbonate", 9.0, 1.02, Fams(F::kNephro)},
    {"Torsemide", "Torsemide", 12.5, 1.06, Fams(F::kNephro, F::kCardio)},
    {"Kerendia", "Finerenone", 610.0, 1.45, Fams(F::kNephro, F::kEndo)},
    // Endocrinology
    {"Alendronate Sodium", "Alendronate Sodium", 8.6, 0.96, Fams(F::kEndo, F::kRheum, F::kPrimaryCare)},
    {"Methimazole", "Methimazole", 9.7, 1.0, Fams(F::kEndo)},
    // Urology
    {"Finasteride", "Finasteride", 7.6, 1.01, Fams(F::kUrology, F::kPrimaryCare)},
    {"Oxybutynin Chloride", "Oxybutynin Chloride", 11.4, 0.96, Fams(F::kUrology)},
    {"Myrbetriq", "Mirabegron", 495.0, 1.04, Fams(F::kUrology)},
    {"Solifenacin Succinate", "Solifenacin Succinate", 14.9, 0.97, Fams(F::kUrology)},
    {"Tadalafil", "Tadalafil", 13.0, 1.05, Fams(F::kUrology)},
    // Rheumatology
    {"Hydroxychloroquine Sulfate", "Hydroxychloroquine Sulfate", 17.9, 1.0, Fams(F::kRheum)},
    {"Methotrexate", "Methotrexate Sodium", 19.5, 0.99, Fams(F::kRheum, F::kDerm)},
    {"Allopurinol", "Allopurinol", 6.2, 1.02, Fams(F::kRheum, F::kPrimaryCare, F::kNephro)},
    {"Colchicine", "Colchicine", 42.0, 1.0, Fams(F::kRheum, F::kPrimaryCare)},
    {"Enbrel Sureclick", "Etanercept", 7100.0, 0.9, Fams(F::kRheum, F::kDerm)},
    {"Humira(Cf) Pen", "Adalimumab", 6900.0, 0.62, Fams(F::kRheum, F::kDerm, F::kGI)},
    {"Rinvoq", "Upadacitinib", 6300.0, 1.31, Fams(F::kRheum, F::kDerm, F::kGI)},
    {"Xeljanz", "Tofacitinib Citrate", 5600.0, 0.9, Fams(F::kRheum)},
    // Dermatology
    {"Triamcinolone Acetonide", "Triamcinolone Acetonide", 12.8, 1.0, Fams(F::kDerm, F::kPrimaryCare)},
    {"Clobetasol Propionate", "Clobetasol Propionate", 38.0, 1.0, Fams(F::kDerm)},
    {"Tretinoin", "Tretinoin", 61.0, 0.98, Fams(F::kDerm)},
    {"Doxycycline Hyclate", "Doxycycline Hyclate", 19.0, 1.0, Fams(F::kDerm, F::kPrimaryCare, F::kID)},
    {"Fluorouracil", "Fluorouracil", 64.0, 1.0, Fams(F::kDerm)},
    {"Ketoconazole", "Ketoconazole", 16.0, 1.0, Fams(F::kDerm)},
    {"Dupixent Pen", "Dupilumab", 3650.0, 1.28, Fams(F::kDerm, F::kAllergy, F::kPulm)},
    {"Otezla", "Apremilast", 4700.0, 1.0, Fams(F::kDerm, F::kRheum)},
    // Ophthalmology / optometry
    {"Latanoprost", "Latanoprost", 11.5, 1.01, Fams(F::kOphth)},
    {"Timolol Maleate", "Timolol Maleate", 14.0, 0.97, Fams(F::kOphth)},
    {"Dorzolamide-Timolol", "Dorzolamide Hcl/Timolol Maleat", 24.0, 1.0, Fams(F::kOphth)},
    {"Brimonidine Tartrate", "Brimonidine Tartrate", 15.5, 1.0, Fams(F::kOphth)},
    {"Prednisolone Acetate", "Prednisolone Acetate", 22.0, 1.0, Fams(F::kOphth)},
    {"Lumigan", "Bimatoprost", 290.0, 0.95, Fams(F::kOphth)},
    {"Combigan", "Brimonidine Tartrate/Timolol", 265.0, 0.93, Fams(F::kOphth)},
    {"Rhopressa", "Netarsudil Mesylate", 310.0, 1.06, Fams(F::kOphth)},
    {"Restasis", "Cyclosporine", 640.0, 0.78, Fams(F::kOphth)},
    {"Xiidra", "Lifitegrast", 660.0, 1.02, Fams(F::kOphth)},
    {"Moxifloxacin Hcl", "Moxifloxacin Hcl", 24.0, 1.0, Fams(F::kOphth)},
    // Infectious disease
    {"Biktarvy", "Bictegrav/Emtricit/Tenofov Ala", 3900.0, 1.09, Fams(F::kID)},
    {"Descovy", "Emtricitabine/Tenofov Alafen", 2250.0, 1.04, Fams(F::kID)},
    {"Valacyclovir Hcl", "Valacyclovir Hcl", 14.0, 1.0, Fams(F::kID, F::kPrimaryCare, F::kDerm)},
    {"Sulfamethoxazole-Trimethoprim", "Sulfamethoxazole/Trimethoprim", 7.9, 1.0,
     Fams(F::kID, F::kPrimaryCare, F::kUrology)},
    {"Ciprofloxacin Hcl", "Ciprofloxacin Hcl", 8.4, 0.96, Fams(F::kID, F::kUrology, F::kEmergency)},
    // Pain / orthopaedics / anaesthesia (rows in the real DY2024 sample)
    {"Acetaminophen-Codeine", "Acetaminophen With Codeine", 15.1, 0.97, Fams(F::kPain, F::kAnesthesia, F::kOrtho)},
    {"Amitriptyline Hcl", "Amitriptyline Hcl", 5.8, 1.0, Fams(F::kPain, F::kNeuro, F::kAnesthesia)},
    {"Baclofen", "Baclofen", 7.1, 1.02, Fams(F::kPain, F::kNeuro, F::kAnesthesia)},
    {"Belbuca", "Buprenorphine Hcl", 365.0, 1.0, Fams(F::kPain, F::kAnesthesia)},
    {"Celecoxib", "Celecoxib", 7.3, 1.0, Fams(F::kPain, F::kOrtho, F::kRheum, F::kAnesthesia)},
    {"Cyclobenzaprine Hcl", "Cyclobenzaprine Hcl", 8.5, 1.0,
     Fams(F::kPain, F::kOrtho, F::kPrimaryCare, F::kAnesthesia)},
    {"Diclofenac Sodium", "Diclofenac Sodium", 23.9, 1.0, Fams(F::kPain, F::kOrtho, F::kRheum, F::kAnesthesia)},
    {"Tramadol Hcl", "Tramadol Hcl", 9.2, 0.95, Fams(F::kPain, F::kOrtho, F::kPrimaryCare)},
    {"Oxycodone Hcl", "Oxycodone Hcl", 28.0, 0.92, Fams(F::kPain, F::kOrtho, F::kSurgery, F::kOncology)},
    {"Hydrocodone-Acetaminophen", "Hydrocodone/Acetaminophen", 16.0, 0.9,
     Fams(F::kPain, F::kOrtho, F::kSurgery, F::kEmergency)},
    {"Oxycodone-Acetaminophen", "Oxycodone Hcl/Acetaminophen", 24.0, 0.93, Fams(F::kSurgery, F::kOrtho, F::kEmergency)},
    {"Tizanidine Hcl", "Tizanidine Hcl", 9.0, 1.01, Fams(F::kPain, F::kNeuro)},
    {"Methocarbamol", "Methocarbamol", 10.0, 1.0, Fams(F::kPain, F::kOrtho)},
    // Obstetrics & gynaecology
    {"Estradiol", "Estradiol", 13.5, 1.03, Fams(F::kObGyn)},
    {"Medroxyprogesterone Acetate", "Medroxyprogesterone Acetate", 12.0, 1.0, Fams(F::kObGyn)},
    {"Premarin", "Estrogens, Conjugated", 285.0, 0.94, Fams(F::kObGyn)},
    {"Metronidazole", "Metronidazole", 9.9, 1.0, Fams(F::kObGyn, F::kPrimaryCare, F::kGI)},
    {"Fluconazole", "Fluconazole", 6.7, 1.0, Fams(F::kObGyn, F::kPrimaryCare)},
    // Other (dentists, ENT)
    {"Chlorhexidine Gluconate", "Chlorhexidine Gluconate", 8.0, 1.0, Fams(F::kOther)},
    {"Ciprodex", "Ciprofloxacin/Dexamethasone", 265.0, 0.9, Fams(F::kENT)},
};

constexpr std::uint32_t kEm = Fams(F::kPrimaryCare, F::kPediatrics, F::kPsych, F::kObGyn, F::kSurgery, F::kCardio,
                                   F::kOrtho, F::kDerm, F::kGI, F::kNeuro, F::kOncology, F::kPulm, F::kNephro, F::kEndo,
                                   F::kUrology, F::kRheum, F::kID, F::kAllergy, F::kENT, F::kPain);
constexpr std::uint32_t kHosp =
    Fams(F::kPrimaryCare, F::kCardio, F::kPulm, F::kNephro, F::kID, F::kOncology, F::kNeuro, F::kGI, F::kSurgery);

constexpr Hcpcs kHcpcs[] = {
    {"99202", "New patient office or other outpatient visit, 15-29 minutes", false, 160, 73, 0.05, kEm},
    {"99203", "New patient office or other outpatient visit, 30-44 minutes", false, 235, 112, 0.06, kEm},
    {"99204", "New patient office or other outpatient visit, 45-59 minutes", false, 345, 167, 0.07, kEm},
    {"99205", "New patient office or other outpatient visit, 60-74 minutes", false, 440, 220, 0.08, kEm},
    {"99211", "Established patient office or other outpatient visit, typically 5 minutes", false, 55, 23, 0.05, kEm},
    {"99212", "Established patient office or other outpatient visit, 10-19 minutes", false, 120, 57, 0.05, kEm},
    {"99213", "Established patient office or other outpatient visit, 20-29 minutes", false, 175, 92, 0.08,
     kEm | Fams(F::kOphth)},
    {"99214", "Established patient office or other outpatient visit, 30-39 minutes", false, 260, 130, 0.09,
     kEm | Fams(F::kOphth)},
    {"99215", "Established patient office or other outpatient visit, 40-54 minutes", false, 360, 183, 0.1, kEm},
    {"G2211",
     "Visit complexity inherent to evaluation and management associated with medical care services that serve as the "
     "continuing focal point for all needed health care services and/or with medical care services that are part of "
     "ongoing care related to a patient's single, serious condition or a complex condition",
     false, 35, 16, 0.05, kEm},
    {"G0439", "Annual wellness visit, includes a personalized prevention plan of service (pps), subsequent visit",
     false, 205, 133, 0.0, Fams(F::kPrimaryCare)},
    {"G0438", "Annual wellness visit; includes a personalized prevention plan of service (pps), initial visit", false,
     290, 199, 0.0, Fams(F::kPrimaryCare)},
    {"36415", "Insertion of needle into vein for collection of blood sample", false, 18, 3.0, 0.0,
     Fams(F::kPrimaryCare, F::kOncology, F::kEndo)},
    {"99221", "Initial hospital inpatient or observation care, typically 40 minutes", false, 290, 102, 1.0, kHosp},
    {"99222", "Initial hospital inpatient or observation care, typically 55 minutes", false, 410, 138, 1.0, kHosp},
    {"99223", "Initial hospital inpatient or observation care, typically 75 minutes", false, 560, 203, 1.0, kHosp},
    {"99231", "Subsequent hospital inpatient or observation care, typically 25 minutes", false, 130, 61, 1.0, kHosp},
    {"99232", "Subsequent hospital inpatient or observation care, typically 35 minutes", false, 195, 94, 1.0, kHosp},
    {"99233", "Subsequent hospital inpatient or observation care, typically 50 minutes", false, 280, 141, 1.0, kHosp},
    {"99238", "Hospital inpatient or observation discharge day management, 30 minutes or less", false, 190, 80, 1.0,
     kHosp},
    {"99309", "Subsequent nursing facility visit, typically 30 minutes", false, 210, 106, 1.0, Fams(F::kPrimaryCare)},
    {"99283", "Emergency department visit for the evaluation and management of a patient, moderate severity", false,
     340, 72, 1.0, Fams(F::kEmergency)},
    {"99284", "Emergency department visit for the evaluation and management of a patient, high-moderate severity",
     false, 520, 122, 1.0, Fams(F::kEmergency)},
    {"99285", "Emergency department visit for the evaluation and management of a patient, high severity", false, 790,
     178, 1.0, Fams(F::kEmergency)},
    {"99291", "Critical care delivery critically ill or injured patient, first 30-74 minutes", false, 850, 219, 1.0,
     Fams(F::kEmergency, F::kPulm, F::kAnesthesia)},
    {"93000", "Routine electrocardiogram (ECG) using at least 12 leads with interpretation and report", false, 65, 16,
     0.1, Fams(F::kPrimaryCare, F::kCardio)},
    {"93306", "Ultrasound examination of heart including color-depicted blood flow rate, direction, and valve function",
     false, 1150, 205, 0.4, Fams(F::kCardio)},
    {"93458",
     "Insertion of catheter into left heart for diagnosis with imaging of heart blood vessels and left "
     "ventriculography",
     false, 3600, 360, 1.0, Fams(F::kCardio)},
    {"78452", "Nuclear medicine study of vessels of heart using drugs or exercise multiple studies", false, 1900, 410,
     0.3, Fams(F::kCardio, F::kRadiology)},
    {"93288", "Evaluation of single, dual, or multiple lead pacemaker system, in person", false, 150, 43, 0.3,
     Fams(F::kCardio)},
    {"71046", "X-ray of chest, 2 views", false, 110, 12, 0.6, Fams(F::kRadiology)},
    {"74177", "CT scan of abdomen and pelvis with contrast", false, 1150, 79, 0.6, Fams(F::kRadiology)},
    {"70450", "CT scan head or brain without contrast", false, 640, 37, 0.7, Fams(F::kRadiology)},
    {"70553", "MRI scan of brain before and after contrast", false, 2100, 99, 0.5, Fams(F::kRadiology)},
    {"77067", "Screening mammography, bilateral (2-view study of each breast), including computer-aided detection",
     false, 310, 50, 0.3, Fams(F::kRadiology)},
    {"72148", "MRI scan of lower spinal canal", false, 1450, 65, 0.5, Fams(F::kRadiology)},
    {"88305", "Pathology examination of tissue using a microscope, intermediate complexity", false, 165, 38, 0.5,
     Fams(F::kPathology, F::kDerm)},
    {"88342", "Immunohistochemistry or immunocytochemistry, per specimen; initial single antibody stain procedure",
     false, 190, 30, 0.5, Fams(F::kPathology)},
    {"88312", "Special stained specimen slides to identify organisms including interpretation and report", false, 140,
     25, 0.5, Fams(F::kPathology)},
    {"20610", "Aspiration and/or injection of large joint or joint capsule", false, 250, 62, 0.1,
     Fams(F::kOrtho, F::kRheum, F::kPrimaryCare, F::kPain)},
    {"J3301", "Injection, triamcinolone acetonide, not otherwise specified, 10 mg", true, 15, 1.6, 0.1,
     Fams(F::kOrtho, F::kRheum, F::kDerm, F::kPain)},
    {"27447", "Repair of knee joint", false, 6500, 1330, 1.0, Fams(F::kOrtho)},
    {"27130", "Replacement of thigh bone and hip joint prosthesis", false, 6800, 1340, 1.0, Fams(F::kOrtho)},
    {"29881", "Removal of cartilage of knee using an endoscope", false, 3500, 470, 1.0, Fams(F::kOrtho)},
    {"17000", "Destruction of precancerous skin growth, 1 growth", false, 140, 60, 0.0, Fams(F::kDerm)},
    {"17003", "Destruction of precancerous skin growths, 2-14 growths", false, 25, 6.5, 0.0, Fams(F::kDerm)},
    {"11102", "Tangential biopsy of skin, single lesion", false, 190, 95, 0.0, Fams(F::kDerm, F::kPrimaryCare)},
    {"17311", "Mohs micrographic surgery, head, neck, hands, feet, genitalia, first stage, up to 5 tissue blocks",
     false, 1600, 620, 0.0, Fams(F::kDerm)},
    {"45378", "Diagnostic examination of large bowel using an endoscope", false, 1900, 300, 0.9, Fams(F::kGI)},
    {"45385", "Removal of polyps or growths of large bowel using an endoscope", false, 2500, 400, 0.9, Fams(F::kGI)},
    {"43239", "Biopsy of the esophagus, stomach, and/or upper small bowel using an endoscope", false, 1500, 230, 0.9,
     Fams(F::kGI)},
    {"95886", "Needle measurement and recording of electrical activity of muscles of arm or leg", false, 390, 95, 0.1,
     Fams(F::kNeuro, F::kPain)},
    {"95910", "Nerve transmission studies, 7-8 studies", false, 750, 150, 0.1, Fams(F::kNeuro, F::kPain)},
    {"J0585", "Injection, onabotulinumtoxina, 1 unit", true, 14, 6.9, 0.1, Fams(F::kNeuro, F::kUrology)},
    {"92014", "Eye and medical examination for diagnosis and treatment, established patient, 1 or more visits", false,
     230, 135, 0.0, Fams(F::kOphth)},
    {"92012", "Eye and medical examination for diagnosis and treatment, established patient", false, 150, 90, 0.0,
     Fams(F::kOphth)},
    {"92134", "Imaging of retina", false, 110, 34, 0.0, Fams(F::kOphth)},
    {"92083", "Measurement of field of vision during follow-up evaluation of eye disease", false, 140, 58, 0.0,
     Fams(F::kOphth)},
    {"67028", "Injection of drug into eye", false, 450, 106, 0.0, Fams(F::kOphth)},
    {"J0178", "Injection, aflibercept, 1 mg", true, 650, 460, 0.0, Fams(F::kOphth)},
    {"66984", "Removal of cataract with insertion of lens", false, 2400, 520, 1.0, Fams(F::kOphth)},
    {"96413", "Infusion of chemotherapy into a vein up to 1 hour", false, 650, 130, 0.2, Fams(F::kOncology)},
    {"96372", "Injection beneath the skin or into muscle for therapy, diagnosis, or prevention", false, 55, 14, 0.1,
     Fams(F::kOncology, F::kRheum, F::kUrology, F::kPrimaryCare)},
    {"J9271", "Injection, pembrolizumab, 1 mg", true, 95, 55, 0.2, Fams(F::kOncology)},
    {"J9299", "Injection, nivolumab, 1 mg", true, 52, 29, 0.2, Fams(F::kOncology)},
    {"77385", "Radiation therapy delivery, IMRT, includes guidance and tracking, when performed; simple", false, 1300,
     330, 0.3, Fams(F::kOncology)},
    {"94010", "Measurement of breathing capacity", false, 110, 32, 0.2, Fams(F::kPulm)},
    {"94729", "Measurement of carbon monoxide diffusion capacity", false, 160, 45, 0.2, Fams(F::kPulm)},
    {"95810", "Sleep study with attended monitoring, 6 or more parameters, age 6 years or older", false, 2400, 560, 0.3,
     Fams(F::kPulm)},
    {"90960", "Dialysis services (4 or more physician visits per month), patient 20 years or older", false, 560, 330,
     0.6, Fams(F::kNephro)},
    {"90834", "Psychotherapy, 45 minutes with patient", false, 170, 103, 0.05, Fams(F::kPsych)},
    {"90837", "Psychotherapy, 60 minutes with patient", false, 220, 153, 0.05, Fams(F::kPsych)},
    {"90833", "Psychotherapy, 30 minutes with patient when performed with an evaluation and management service", false,
     110, 72, 0.1, Fams(F::kPsych)},
    {"90792", "Psychiatric diagnostic evaluation including medical services", false, 390, 190, 0.2, Fams(F::kPsych)},
    {"00142", "Anesthesia for procedure on eye; lens surgery", false, 1100, 180, 1.0, Fams(F::kAnesthesia)},
    {"00811", "Anesthesia for lower intestinal endoscopic procedures, endoscope introduced distal to duodenum", false,
     950, 120, 1.0, Fams(F::kAnesthesia)},
    {"01402", "Anesthesia for open or surgical arthroscopic procedures on knee joint; total knee arthroplasty", false,
     2600, 390, 1.0, Fams(F::kAnesthesia)},
    {"64483",
     "Injection(s), anesthetic agent(s) and/or steroid; transforaminal epidural, with imaging guidance, lumbar or "
     "sacral, single level",
     false, 1100, 200, 0.5, Fams(F::kPain, F::kAnesthesia)},
    {"64493", "Injection of paravertebral facet joint of lower back using imaging guidance, single level", false, 1000,
     180, 0.5, Fams(F::kPain)},
    {"47562", "Removal of gallbladder using an endoscope", false, 3800, 640, 1.0, Fams(F::kSurgery)},
    {"49591", "Repair of anterior abdominal hernia, initial, reducible, less than 3 cm", false, 3100, 470, 1.0,
     Fams(F::kSurgery)},
    {"52000", "Diagnostic examination of bladder and bladder canal (urethra) using an endoscope", false, 580, 160, 0.2,
     Fams(F::kUrology)},
    {"51798", "Measurement of residual urine in bladder by ultrasound", false, 65, 18, 0.0, Fams(F::kUrology)},
    {"J9217", "Leuprolide acetate (for depot suspension), 7.5 mg", true, 420, 160, 0.1,
     Fams(F::kUrology, F::kOncology)},
    {"J1745", "Injection, infliximab, excludes biosimilar, 10 mg", true, 190, 40, 0.2, Fams(F::kRheum, F::kGI)},
    {"95165", "Preparation and provision of antigens for allergen immunotherapy, single or multiple antigens", false,
     30, 11, 0.0, Fams(F::kAllergy)},
    {"95117", "Allergen immunotherapy injections, 2 or more injections", false, 55, 18, 0.0, Fams(F::kAllergy)},
    {"95004", "Percutaneous allergy skin tests using allergenic extracts, immediate type reaction", false, 12, 4.4, 0.0,
     Fams(F::kAllergy)},
    {"31231", "Diagnostic examination of nose using an endoscope", false, 420, 120, 0.1, Fams(F::kENT)},
    {"69210", "Removal of impacted ear wax, 1 ear", false, 110, 46, 0.0, Fams(F::kENT, F::kPrimaryCare)},
    {"92557", "Comprehensive hearing test", false, 120, 36, 0.0, Fams(F::kENT)},
    {"97110", "Therapeutic exercise to develop strength, endurance, range of motion, and flexibility, each 15 minutes",
     false, 75, 29, 0.0, Fams(F::kOther)},
    {"97140", "Manual (physical) therapy techniques to 1 or more regions, each 15 minutes", false, 70, 27, 0.0,
     Fams(F::kOther)},
    {"97530",
     "Therapeutic activities to improve function, with one-on-one contact between patient and provider, each 15 "
     "minutes",
     false, 85, 32, 0.0, Fams(F::kOther)},
    {"98940", "Chiropractic manipulative treatment of 1-2 regions of the spine", false, 55, 28, 0.0, Fams(F::kOther)},
    {"98941", "Chiropractic manipulative treatment of 3-4 regions of the spine", false, 70, 40, 0.0, Fams(F::kOther)},
};

constexpr Product kPfizer[] = {{"ELIQUIS", "Drug", "Cardiology", "0003-0894-21"},
                               {"ABRYSVO", "Biological", "Vaccines", "0069-0344-01"},
                               {"IBRANCE", "Drug", "Oncology", "0069-0187-21"}};
constexpr Product kBms[] = {{"Eliquis", "Drug", "Cardiovascular", "0003-0893-21"},
                            {"Opdivo", "Biological", "Oncology", "0003-3772-11"}};
constexpr Product kLilly[] = {{"Mounjaro", "Drug", "Endocrinology", "0002-1506-80"},
                              {"Trulicity", "Drug", "Endocrinology", "0002-1433-80"},
                              {"Jardiance", "Drug", "Endocrinology", "0597-0152-30"}};
constexpr Product kNovo[] = {{"Ozempic", "Drug", "Diabetes", "0169-4132-12"},
                             {"Tresiba", "Drug", "Diabetes", "0169-2660-15"}};
constexpr Product kBi[] = {{"Jardiance", "Drug", "Cardiometabolic", "0597-0153-30"},
                           {"Ofev", "Drug", "Pulmonary", "0597-0143-60"}};
constexpr Product kAz[] = {{"FARXIGA", "Drug", "Cardiovascular & Metabolism", "0310-6210-30"},
                           {"BREZTRI AEROSPHERE", "Drug", "Respiratory", "0310-4616-12"}};
constexpr Product kAbbvie[] = {{"RINVOQ", "Drug", "Immunology", "0074-2306-30"},
                               {"Vraylar", "Drug", "Psychiatry", "61874-115-30"},
                               {"BOTOX", "Biological", "Neuroscience", "0023-1145-01"},
                               {"UBRELVY", "Drug", "Neuroscience", "61874-100-10"}};
constexpr Product kJanssen[] = {{"XARELTO", "Drug", "Cardiovascular", "50458-579-30"},
                                {"STELARA", "Biological", "Immunology", "57894-054-27"},
                                {"IMBRUVICA", "Drug", "Oncology", "57962-420-28"}};
constexpr Product kMerck[] = {{"KEYTRUDA", "Biological", "Oncology", "0006-3026-02"},
                              {"JANUVIA", "Drug", "Diabetes", "0006-0277-31"}};
constexpr Product kNovartis[] = {{"Entresto", "Drug", "Cardiovascular", "0078-0659-20"},
                                 {"Kisqali", "Drug", "Oncology", "0078-0860-01"}};
constexpr Product kSanofi[] = {{"DUPIXENT", "Biological", "Immunology", "0024-5915-02"},
                               {"Toujeo", "Drug", "Diabetes", "0024-5869-03"}};
constexpr Product kGsk[] = {{"TRELEGY ELLIPTA", "Drug", "Respiratory", "0173-0887-10"},
                            {"SHINGRIX", "Biological", "Vaccines", "58160-823-11"}};
constexpr Product kAmgen[] = {{"Repatha", "Biological", "Cardiovascular", "72511-760-01"},
                              {"Prolia", "Biological", "Bone Health", "55513-710-01"},
                              {"Otezla", "Drug", "Inflammation", "55513-137-60"}};
constexpr Product kGenentech[] = {{"Ocrevus", "Biological", "Neurology", "50242-150-01"},
                                  {"Vabysmo", "Biological", "Ophthalmology", "50242-096-01"}};
constexpr Product kRegeneron[] = {{"EYLEA HD", "Biological", "Ophthalmology", "61755-050-01"}};
constexpr Product kMedtronic[] = {{"Micra AV", "Device", "Cardiac Rhythm Management", ""},
                                  {"INFUSE Bone Graft", "Device", "Spine", ""}};
constexpr Product kStryker[] = {{"Mako SmartRobotics", "Device", "Orthopaedics", ""},
                                {"Triathlon Total Knee System", "Device", "Orthopaedics", ""}};
constexpr Product kBsci[] = {{"WATCHMAN FLX", "Device", "Cardiology", ""},
                             {"Spectra WaveWriter", "Device", "Neuromodulation", ""}};
constexpr Product kIntuitive[] = {{"da Vinci Xi", "Device", "General Surgery", ""}};
constexpr Product kZimmer[] = {{"Persona The Personalized Knee", "Device", "Orthopedics", ""}};
constexpr Product kAbbott[] = {{"FreeStyle Libre 3", "Device", "Diabetes Care", ""},
                               {"MitraClip", "Device", "Structural Heart", ""}};
constexpr Product kAlcon[] = {{"Clareon IOL", "Device", "Ophthalmology", ""}};
constexpr Product kPhadia[] = {{"ImmunoCAP", "Device", "Allergy/Immunology", ""}};

constexpr Manufacturer kManufacturers[] = {
    {"Pfizer Inc.", "100000000286", "NY", "United States", kPfizer, Fams(F::kPrimaryCare, F::kCardio, F::kOncology)},
    {"Bristol-Myers Squibb Company", "100000000155", "NJ", "United States", kBms,
     Fams(F::kPrimaryCare, F::kCardio, F::kOncology)},
    {"Eli Lilly and Company", "100000000241", "IN", "United States", kLilly, Fams(F::kPrimaryCare, F::kEndo)},
    {"Novo Nordisk Inc", "100000000279", "NJ", "United States", kNovo, Fams(F::kPrimaryCare, F::kEndo)},
    {"Boehringer Ingelheim Pharmaceuticals, Inc.", "100000000150", "CT", "United States", kBi,
     Fams(F::kPrimaryCare, F::kEndo, F::kCardio, F::kPulm)},
    {"AstraZeneca Pharmaceuticals LP", "100000000131", "DE", "United States", kAz,
     Fams(F::kPrimaryCare, F::kEndo, F::kCardio, F::kPulm, F::kNephro)},
    {"AbbVie Inc.", "100000000111", "IL", "United States", kAbbvie,
     Fams(F::kRheum, F::kDerm, F::kGI, F::kPsych, F::kNeuro)},
    {"Janssen Pharmaceuticals, Inc", "100000000229", "NJ", "United States", kJanssen,
     Fams(F::kCardio, F::kGI, F::kDerm, F::kOncology, F::kPsych)},
    {"Merck Sharp & Dohme LLC", "100000000264", "NJ", "United States", kMerck,
     Fams(F::kOncology, F::kPrimaryCare, F::kEndo)},
    {"Novartis Pharmaceuticals Corporation", "100000000278", "NJ", "United States", kNovartis,
     Fams(F::kCardio, F::kOncology)},
    {"Sanofi US Services Inc.", "100000000304", "NJ", "United States", kSanofi,
     Fams(F::kDerm, F::kAllergy, F::kPulm, F::kEndo)},
    {"GlaxoSmithKline, LLC.", "100000000208", "PA", "United States", kGsk, Fams(F::kPulm, F::kPrimaryCare)},
    {"Amgen Inc.", "100000000126", "CA", "United States", kAmgen, Fams(F::kCardio, F::kRheum, F::kDerm, F::kEndo)},
    {"Genentech USA, Inc.", "100000000203", "CA", "United States", kGenentech,
     Fams(F::kNeuro, F::kOphth, F::kOncology)},
    {"Regeneron Healthcare Solutions, Inc.", "100000107291", "NY", "United States", kRegeneron, Fams(F::kOphth)},
    {"Medtronic USA, Inc.", "100000000266", "MN", "United States", kMedtronic,
     Fams(F::kCardio, F::kOrtho, F::kSurgery, F::kPain)},
    {"Stryker Corporation", "100000000318", "MI", "United States", kStryker, Fams(F::kOrtho)},
    {"Boston Scientific Corporation", "100000000153", "MA", "United States", kBsci,
     Fams(F::kCardio, F::kPain, F::kUrology, F::kGI)},
    {"Intuitive Surgical, Inc.", "100000000228", "CA", "United States", kIntuitive,
     Fams(F::kSurgery, F::kUrology, F::kObGyn)},
    {"Zimmer Biomet Holdings, Inc.", "100000010245", "IN", "United States", kZimmer, Fams(F::kOrtho)},
    {"Abbott Laboratories", "100000000109", "IL", "United States", kAbbott,
     Fams(F::kEndo, F::kCardio, F::kPrimaryCare)},
    {"Alcon Vision LLC", "100000010871", "TX", "United States", kAlcon, Fams(F::kOphth)},
    {"Phadia US Inc.", "100000010419", "MI", "United States", kPhadia, Fams(F::kAllergy, F::kPrimaryCare)},
};

constexpr Nature kNatures[] = {
    {"Food and Beverage", "Cash or cash equivalent", 0.80, 19.0, 0.65},
    {"Education", "In-kind items and services", 0.04, 55.0, 1.2},
    {"Travel and Lodging", "Cash or cash equivalent", 0.03, 380.0, 0.9},
    {"Consulting Fee", "Cash or cash equivalent", 0.03, 1900.0, 1.0},
    {"Compensation for services other than consulting, including serving as faculty or as a speaker at a venue "
     "other than a continuing education program",
     "Cash or cash equivalent", 0.05, 2600.0, 0.8},
    {"Honoraria", "Cash or cash equivalent", 0.01, 1500.0, 0.9},
    {"Gift", "In-kind items and services", 0.01, 75.0, 1.0},
    {"Entertainment", "In-kind items and services", 0.004, 95.0, 0.8},
    {"Grant", "Cash or cash equivalent", 0.003, 5000.0, 1.2},
    {"Compensation for serving as faculty or as a speaker for an unaccredited and noncertified continuing "
     "education program",
     "Cash or cash equivalent", 0.004, 2200.0, 0.8},
    {"Royalty or License", "Cash or cash equivalent", 0.002, 14000.0, 1.9},
    {"Charitable Contribution", "Cash or cash equivalent", 0.001, 1000.0, 1.0},
    {"Current or prospective ownership or investment interest", "Stock", 0.001, 20000.0, 1.5},
    {"Long term medical supply or device loan", "In-kind items and services", 0.002, 3000.0, 0.8},
};

template <typename T>
std::vector<std::uint16_t> PoolFor(std::span<const T> items, Family f) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if ((items[i].families & Bit(f)) != 0)
            out.push_back(static_cast<std::uint16_t>(i));
    }
    return out;
}

template <typename T>
const std::array<std::vector<std::uint16_t>, static_cast<std::size_t>(Family::kCount)>& Pools(
    std::span<const T> items) {
    static const auto pools = [items] {
        std::array<std::vector<std::uint16_t>, static_cast<std::size_t>(Family::kCount)> p;
        for (std::size_t f = 0; f < p.size(); ++f)
            p[f] = PoolFor(items, static_cast<Family>(f));
        return p;
    }();
    return pools;
}

}  // namespace

std::span<const Specialty> Specialties() {
    return kSpecialties;
}
std::span<const ZipInfo> TwinCitiesZips() {
    return kZips;
}
std::span<const std::string_view> MaleFirstNames() {
    return kMaleFirst;
}
std::span<const std::string_view> FemaleFirstNames() {
    return kFemaleFirst;
}
std::span<const std::string_view> LastNames() {
    return kLast;
}
std::span<const std::string_view> StreetNames() {
    return kStreets;
}
std::span<const std::string_view> MedSchools() {
    return kMedSchools;
}
std::span<const std::string_view> DoMedSchools() {
    return kDoMedSchools;
}
std::span<const std::string_view> OrgNameStems() {
    return kOrgStems;
}
std::span<const std::string_view> HospitalNameStems() {
    return kHospitalStems;
}

std::span<const std::string_view> OrgNameKinds(Family family) {
    switch (family) {
        case F::kCardio:
            return kKindsCardio;
        case F::kOrtho:
            return kKindsOrtho;
        case F::kDerm:
            return kKindsDerm;
        case F::kPsych:
            return kKindsPsych;
        case F::kOphth:
            return kKindsEye;
        case F::kOncology:
            return kKindsOnc;
        case F::kGI:
            return kKindsGi;
        case F::kRadiology:
            return kKindsRad;
        case F::kAnesthesia:
            return kKindsAnes;
        case F::kEmergency:
            return kKindsEm;
        case F::kObGyn:
            return kKindsObgyn;
        case F::kOther:
            return kKindsOther;
        default:
            return kKindsGeneric;
    }
}

std::span<const Drug> Drugs() {
    return kDrugs;
}
std::span<const std::uint16_t> DrugPool(Family family) {
    return Pools(std::span<const Drug>(kDrugs))[static_cast<std::size_t>(family)];
}
std::span<const Hcpcs> HcpcsCodes() {
    return kHcpcs;
}
std::span<const std::uint16_t> HcpcsPool(Family family) {
    return Pools(std::span<const Hcpcs>(kHcpcs))[static_cast<std::size_t>(family)];
}
std::span<const Manufacturer> Manufacturers() {
    return kManufacturers;
}
std::span<const std::uint16_t> ManufacturerPool(Family family) {
    return Pools(std::span<const Manufacturer>(kManufacturers))[static_cast<std::size_t>(family)];
}
std::span<const Nature> Natures() {
    return kNatures;
}

}  // namespace rounds::gen
