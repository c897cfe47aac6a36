// Exact header lines (without line terminator) of the files the generator writes.
// Real-file headers are byte-for-byte copies of /work/shared/data/cms samples; header-only data
// sets use the column lists documented in /work/shared/data/cms/SOURCES.md. Tests check both.
#pragma once

#include <string>
#include <string_view>

namespace rounds::gen {

// NPPES npidata_pfile, current 330-column layout (every name double-quoted). Built by code from
// its repeating blocks; equals the header of nppes_npidata_2025_sample.csv.
const std::string& NppesHeader();

// NPPES pl_pfile (secondary practice locations): nppes_pl_pfile_sample.csv.
constexpr std::string_view kNppesPlHeader =
    "\"NPI\",\"Provider Secondary Practice Location Address- Address Line 1\",\"Provider Secondary Practice Lo"
    "cation Address-  Address Line 2\",\"Provider Secondary Practice Location Address - City Name\",\"Provide"
    "r Secondary Practice Location Address - State Name\",\"Provider Secondary Practice Location Address - "
    "Postal Code\",\"Provider Secondary Practice Location Address - Country Code (If outside U.S.)\",\"Provid"
    "er Secondary Practice Location Address - Telephone Number\",\"Provider Secondary Practice Location Add"
    "ress - Telephone Extension\",\"Provider Practice Location Address - Fax Number\"";

// Hospital General Information: hospital_general_info_sample.csv (names quoted).
constexpr std::string_view kHospitalHeader =
    "\"Facility ID\",\"Facility Name\",\"Address\",\"City/Town\",\"State\",\"ZIP Code\",\"County/Parish\",\"Telephone "
    "Nu"
    "mber\",\"Hospital Type\",\"Hospital Ownership\",\"Emergency Services\",\"Meets criteria for birthing friendl"
    "y designation\",\"Hospital overall rating\",\"Hospital overall rating footnote\",\"MORT Group Measure Coun"
    "t\",\"Count of Facility MORT Measures\",\"Count of MORT Measures Better\",\"Count of MORT Measures No Diff"
    "erent\",\"Count of MORT Measures Worse\",\"MORT Group Footnote\",\"Safety Group Measure Count\",\"Count of F"
    "acility Safety Measures\",\"Count of Safety Measures Better\",\"Count of Safety Measures No Different\",\""
    "Count of Safety Measures Worse\",\"Safety Group Footnote\",\"READM Group Measure Count\",\"Count of Facili"
    "ty READM Measures\",\"Count of READM Measures Better\",\"Count of READM Measures No Different\",\"Count of"
    " READM Measures Worse\",\"READM Group Footnote\",\"Pt Exp Group Measure Count\",\"Count of Facility Pt Exp"
    " Measures\",\"Pt Exp Group Footnote\",\"TE Group Measure Count\",\"Count of Facility TE Measures\",\"TE Grou"
    "p Footnote\"";

// Part D Prescribers by Provider and Drug: partd_provider_drug_sample.csv.
constexpr std::string_view kPartDHeader =
    "Prscrbr_NPI,Prscrbr_Last_Org_Name,Prscrbr_First_Name,Prscrbr_City,Prscrbr_State_Abrvtn,Prscrbr_State"
    "_FIPS,Prscrbr_Type,Prscrbr_Type_Src,Brnd_Name,Gnrc_Name,Tot_Clms,Tot_30day_Fills,Tot_Day_Suply,Tot_D"
    "rug_Cst,Tot_Benes,GE65_Sprsn_Flag,GE65_Tot_Clms,GE65_Tot_30day_Fills,GE65_Tot_Drug_Cst,GE65_Tot_Day_"
    "Suply,GE65_Bene_Sprsn_Flag,GE65_Tot_Benes";

// Open Payments General Payments (91 columns): open_payments_general_2024_sample.csv.
constexpr std::string_view kOpenPaymentsHeader =
    "Change_Type,Covered_Recipient_Type,Teaching_Hospital_CCN,Teaching_Hospital_ID,Teaching_Hospital_Name"
    ",Covered_Recipient_Profile_ID,Covered_Recipient_NPI,Covered_Recipient_First_Name,Covered_Recipient_M"
    "iddle_Name,Covered_Recipient_Last_Name,Covered_Recipient_Name_Suffix,Recipient_Primary_Business_Stre"
    "et_Address_Line1,Recipient_Primary_Business_Street_Address_Line2,Recipient_City,Recipient_State,Reci"
    "pient_Zip_Code,Recipient_Country,Recipient_Province,Recipient_Postal_Code,Covered_Recipient_Primary_"
    "Type_1,Covered_Recipient_Primary_Type_2,Covered_Recipient_Primary_Type_3,Covered_Recipient_Primary_T"
    "ype_4,Covered_Recipient_Primary_Type_5,Covered_Recipient_Primary_Type_6,Covered_Recipient_Specialty_"
    "1,Covered_Recipient_Specialty_2,Covered_Recipient_Specialty_3,Covered_Recipient_Specialty_4,Covered_"
    "Recipient_Specialty_5,Covered_Recipient_Specialty_6,Covered_Recipient_License_State_code1,Covered_Re"
    "cipient_License_State_code2,Covered_Recipient_License_State_code3,Covered_Recipient_License_State_co"
    "de4,Covered_Recipient_License_State_code5,Submitting_Applicable_Manufacturer_or_Applicable_GPO_Name,"
    "Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_ID,Applicable_Manufacturer_or_Applicable_GP"
    "O_Making_Payment_Name,Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_State,Applicable_Manu"
    "facturer_or_Applicable_GPO_Making_Payment_Country,Total_Amount_of_Payment_USDollars,Date_of_Payment,"
    "Number_of_Payments_Included_in_Total_Amount,Form_of_Payment_or_Transfer_of_Value,Nature_of_Payment_o"
    "r_Transfer_of_Value,City_of_Travel,State_of_Travel,Country_of_Travel,Physician_Ownership_Indicator,T"
    "hird_Party_Payment_Recipient_Indicator,Name_of_Third_Party_Entity_Receiving_Payment_or_Transfer_of_V"
    "alue,Charity_Indicator,Third_Party_Equals_Covered_Recipient_Indicator,Contextual_Information,Delay_i"
    "n_Publication_Indicator,Record_ID,Dispute_Status_for_Publication,Related_Product_Indicator,Covered_o"
    "r_Noncovered_Indicator_1,Indicate_Drug_or_Biological_or_Device_or_Medical_Supply_1,Product_Category_"
    "or_Therapeutic_Area_1,Name_of_Drug_or_Biological_or_Device_or_Medical_Supply_1,Associated_Drug_or_Bi"
    "ological_NDC_1,Associated_Device_or_Medical_Supply_PDI_1,Covered_or_Noncovered_Indicator_2,Indicate_"
    "Drug_or_Biological_or_Device_or_Medical_Supply_2,Product_Category_or_Therapeutic_Area_2,Name_of_Drug"
    "_or_Biological_or_Device_or_Medical_Supply_2,Associated_Drug_or_Biological_NDC_2,Associated_Device_o"
    "r_Medical_Supply_PDI_2,Covered_or_Noncovered_Indicator_3,Indicate_Drug_or_Biological_or_Device_or_Me"
    "dical_Supply_3,Product_Category_or_Therapeutic_Area_3,Name_of_Drug_or_Biological_or_Device_or_Medica"
    "l_Supply_3,Associated_Drug_or_Biological_NDC_3,Associated_Device_or_Medical_Supply_PDI_3,Covered_or_"
    "Noncovered_Indicator_4,Indicate_Drug_or_Biological_or_Device_or_Medical_Supply_4,Product_Category_or"
    "_Therapeutic_Area_4,Name_of_Drug_or_Biological_or_Device_or_Medical_Supply_4,Associated_Drug_or_Biol"
    "ogical_NDC_4,Associated_Device_or_Medical_Supply_PDI_4,Covered_or_Noncovered_Indicator_5,Indicate_Dr"
    "ug_or_Biological_or_Device_or_Medical_Supply_5,Product_Category_or_Therapeutic_Area_5,Name_of_Drug_o"
    "r_Biological_or_Device_or_Medical_Supply_5,Associated_Drug_or_Biological_NDC_5,Associated_Device_or_"
    "Medical_Supply_PDI_5,Program_Year,Payment_Publication_Date";

// DAC National Downloadable File, 2021 layout (40 columns, ", " separated): dac_national_2021_sample.csv.
constexpr std::string_view kDac2021Header =
    "NPI, Ind_PAC_ID, Ind_enrl_ID, lst_nm, frst_nm, mid_nm, suff, gndr, Cred, Med_sch, Grd_yr, pri_spec, "
    "sec_spec_1, sec_spec_2, sec_spec_3, sec_spec_4, sec_spec_all, org_nm, org_pac_id, num_org_mem, adr_l"
    "n_1, adr_ln_2, ln_2_sprs, cty, st, zip, phn_numbr, hosp_afl_1, hosp_afl_lbn_1, hosp_afl_2, hosp_afl_"
    "lbn_2, hosp_afl_3, hosp_afl_lbn_3, hosp_afl_4, hosp_afl_lbn_4, hosp_afl_5, hosp_afl_lbn_5, ind_assgn"
    ", grp_assgn, adrs_id";

// ZCTA gazetteer (tab separated, CRLF, INTPTLONG before INTPTLAT): zcta_gazetteer.txt.
constexpr std::string_view kZctaHeader =
    "GEOID	ALAND	AWATER	ALAND_SQMI	AWATER_SQMI	INTPTLONG	INTPTLAT";

// DAC National Downloadable File, current 31-column layout (SOURCES.md, header only; quoting not verified).
constexpr std::string_view kDacCurrentHeader =
    "NPI,Ind_PAC_ID,Ind_enrl_ID,Provider Last Name,Provider First Name,Provider Middle Name,suff,gndr,Cre"
    "d,Med_sch,Grd_yr,pri_spec,sec_spec_1,sec_spec_2,sec_spec_3,sec_spec_4,sec_spec_all,Telehlth,Facility"
    " Name,org_pac_id,num_org_mem,adr_ln_1,adr_ln_2,ln_2_sprs,City/Town,State,ZIP Code,Telephone Number,i"
    "nd_assgn,grp_assgn,adrs_id";

// Facility Affiliation (SOURCES.md, header only; quoting not verified).
constexpr std::string_view kFacilityAffiliationHeader =
    "NPI,Ind_PAC_ID,Provider Last Name,Provider First Name,Provider Middle Name,suff,facility_type,Facili"
    "ty Affiliations Certification Number,Facility Type Certification Number";

// Part B by Provider and Service, DY2023 28-column layout (SOURCES.md, header only).
constexpr std::string_view kPartBHeader =
    "Rndrng_NPI,Rndrng_Prvdr_Last_Org_Name,Rndrng_Prvdr_First_Name,Rndrng_Prvdr_MI,Rndrng_Prvdr_Crdntls,R"
    "ndrng_Prvdr_Ent_Cd,Rndrng_Prvdr_St1,Rndrng_Prvdr_St2,Rndrng_Prvdr_City,Rndrng_Prvdr_State_Abrvtn,Rnd"
    "rng_Prvdr_State_FIPS,Rndrng_Prvdr_Zip5,Rndrng_Prvdr_RUCA,Rndrng_Prvdr_RUCA_Desc,Rndrng_Prvdr_Cntry,R"
    "ndrng_Prvdr_Type,Rndrng_Prvdr_Mdcr_Prtcptg_Ind,HCPCS_Cd,HCPCS_Desc,HCPCS_Drug_Ind,Place_Of_Srvc,Tot_"
    "Benes,Tot_Srvcs,Tot_Bene_Day_Srvcs,Avg_Sbmtd_Chrg,Avg_Mdcr_Alowd_Amt,Avg_Mdcr_Pymt_Amt,Avg_Mdcr_Stdz"
    "d_Amt";

}  // namespace rounds::gen
