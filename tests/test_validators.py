"""The code validators, checked against the standards' own examples."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qinqing.core.synthetic import make_credit_code, make_id_number
from qinqing.core.validators import (
    validate_id_number,
    validate_industry_code,
    validate_mobile,
    validate_uscc,
)


def message(excinfo) -> str:
    return excinfo.value.messages[0]


class TestIdNumber:
    def test_gb11643_own_example_is_valid(self):
        assert validate_id_number("11010519491231002X") == "11010519491231002X"

    def test_lower_case_x_is_accepted_and_stored_upper_case(self):
        assert validate_id_number("11010519491231002x") == "11010519491231002X"

    def test_full_width_digits_from_a_chinese_keyboard_are_normalised(self):
        assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"

    def test_spaces_and_dashes_are_tolerated(self):
        assert validate_id_number(" 110105 19491231 002X ") == "11010519491231002X"

    def test_a_wrong_check_character_is_refused_naming_the_right_one(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_id_number("110105194912310021")
        assert message(excinfo) == "身份证号校验位错误，应为 X"

    def test_a_wrong_length_is_refused_with_the_length_found(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_id_number("1101051949123100")
        assert message(excinfo) == "身份证号应为18位，实际为16位"

    def test_an_impossible_birth_date_is_refused(self):
        # 1949-02-30 does not exist; the check character is right for the digits.
        number = make_id_number("110105", datetime.date(1949, 2, 1), 2)
        number = number[:12] + "30" + number[14:17]
        from stdnum.cn.ric import calc_check_digit

        number += calc_check_digit(number + "0")
        with pytest.raises(ValidationError) as excinfo:
            validate_id_number(number)
        assert "出生日期 19490230 不是有效日期" in message(excinfo)

    def test_a_birth_date_in_the_future_is_refused(self):
        number = make_id_number("330702", datetime.date(2030, 1, 1), 1)
        with pytest.raises(ValidationError) as excinfo:
            validate_id_number(number, today=datetime.date(2026, 11, 26))
        assert "不在合理范围内" in message(excinfo)

    def test_an_area_code_created_after_the_birth_year_is_not_refused(self):
        # 330783 东阳市 was created in 1989; a resident born in 1950 holds such a number.
        number = make_id_number("330783", datetime.date(1950, 6, 1), 15)
        assert validate_id_number(number) == number

    def test_letters_inside_the_number_are_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_id_number("1101051949X231002X")
        assert "前17位应为数字" in message(excinfo)


class TestCreditCode:
    def test_the_standards_example_is_valid(self):
        assert validate_uscc("91110000600037341L") == "91110000600037341L"

    @pytest.mark.parametrize("department", list("123456789ANY"))
    def test_every_registration_department_prefix_is_accepted(self, department):
        code = make_credit_code("330702", 4321, department=department, kind="1")
        assert validate_uscc(code) == code

    def test_letters_in_the_organisation_code_are_accepted(self):
        body = "91330702MA2HABCD0"
        from stdnum.cn.uscc import calc_check_digit

        code = body + calc_check_digit(body + "0")
        assert validate_uscc(code) == code

    def test_a_wrong_check_character_is_refused_naming_the_right_one(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_uscc("91110000600037341M")
        assert message(excinfo) == "统一社会信用代码校验位错误，应为 L"

    def test_letters_outside_the_alphabet_are_named(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_uscc("9111000060003734IO")
        assert "I、O" in message(excinfo)

    def test_an_unknown_registration_department_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_uscc("B1110000600037341L")
        assert "登记管理部门代码“B”无效" in message(excinfo)

    def test_lower_case_and_full_width_input_is_normalised(self):
        assert validate_uscc("９１１１００００６０００３７３４１ｌ") == "91110000600037341L"


class TestMobile:
    @pytest.mark.parametrize(
        "typed",
        [
            "13812345678",
            "+86 138 1234 5678",
            "138-1234-5678",
            "0086 13812345678",
            "１３８１２３４５６７８",
        ],
    )
    def test_common_ways_of_typing_a_number_are_normalised(self, typed):
        assert validate_mobile(typed) == "13812345678"

    def test_a_short_number_is_refused_with_its_length(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_mobile("1381234567")
        assert message(excinfo) == "手机号应为11位，实际为10位"

    def test_a_landline_prefix_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_mobile("12812345678")
        assert "号段无效" in message(excinfo)


class TestIndustryCode:
    def test_a_division_with_its_section_letter_is_accepted(self):
        assert validate_industry_code("C3011") == "3011"

    def test_a_section_letter_that_does_not_match_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_industry_code("A3011")
        assert "门类应为 C" in message(excinfo)

    def test_a_division_that_does_not_exist_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            validate_industry_code("9901")
        assert "大类“99”不存在" in message(excinfo)
